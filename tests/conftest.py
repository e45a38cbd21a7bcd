from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from claims.models import Rating, RatingScale
from config.celery import app as celery_app
from core.roles import EDITOR, REVIEWER, sync_roles
from reviews.defaults import create_default_scale
from tests import factories

# Celery in the test process talks to its own Redis database, never the development one.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
celery_app.conf.update(broker_url=TEST_REDIS_URL, result_backend=TEST_REDIS_URL)
# Password hashing is deliberately slow; tests need none of that strength.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The cache too, under a prefix of this run's own (set before anything touches the cache).
TEST_CACHE_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
settings.CACHES["default"].update(LOCATION=TEST_REDIS_URL, KEY_PREFIX=TEST_CACHE_PREFIX)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound, so no one else takes it, but not
    listening. Point Redis (cache or broker) at it to see how the product copes when
    Redis is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def roles(db: None) -> dict[str, Group]:
    """The groups and their permissions (a transactional test may have flushed them)."""
    sync_roles()
    return {name: Group.objects.get(name=name) for name in (EDITOR, REVIEWER)}


@pytest.fixture
def default_scale(db: None) -> RatingScale:
    return create_default_scale(RatingScale, Rating)


@pytest.fixture
def editor(roles: dict[str, Group]):
    return factories.UserFactory(username="ed", role=EDITOR)


@pytest.fixture
def reviewer(roles: dict[str, Group]):
    return factories.UserFactory(username="rev", role=REVIEWER)
