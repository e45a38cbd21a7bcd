from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from pytest_django.plugin import blocking_manager_key

from claims.models import Rating, RatingScale
from config.celery import app as celery_app
from core.roles import EDITOR, REVIEWER, sync_roles
from corroboration.models import RatingMapping
from corroboration.rating_labels import seed_rating_mappings
from corroboration.services import alias_seed
from reviews.defaults import create_default_scale
from tests import factories

# Celery in the test process talks to its own Redis database, never the development one.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
celery_app.conf.update(broker_url=TEST_REDIS_URL, result_backend=TEST_REDIS_URL)
# Password hashing is deliberately slow; tests need none of that strength.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The tests connect as the owner of the tables: it may create the test database
# (CREATEDB) and empty tables between tests (TRUNCATE), which the application's role may
# not; tests/test_database_roles.py connects as the application's role. Set before any
# connection is made, so that tests without the database fixtures (which make databases
# of their own) and the worker processes they start speak as the owner too.
settings.DATABASES["default"].update(settings.DATABASE_OWNER)
# The cache too, under a prefix of this run's own (set before anything touches the cache).
TEST_CACHE_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
settings.CACHES["default"].update(LOCATION=TEST_REDIS_URL, KEY_PREFIX=TEST_CACHE_PREFIX)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Every local HTTP server of the suite listens on 127.0.0.1 by number. The server is
    made once per session, so the first test to ask for it fixes its address for all the
    others; "localhost" may also resolve to ::1, which tests that open loopback to fetching
    (FETCH_ALLOWED_NETWORKS=127.0.0.0/8) and stub resolvers do not know."""
    return ("127.0.0.1", 0)


def _flushes(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")))
    return transactional or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def _seed() -> RatingScale:
    """What the migrations seed: the groups, the default rating scale, the publishers'
    rating wordings mapped onto it, and the alias table matching reads."""
    sync_roles()
    scale = create_default_scale(RatingScale, Rating)
    seed_rating_mappings(RatingMapping, Rating)
    alias_seed()
    return scale


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test ends by emptying every table, the migrations' seed data
    included; put that back once its fixtures are torn down (the flush among them), so
    that the tests after it start from a migrated database as the product does,
    whatever order they run in."""
    # After the last test the session's fixtures go too, the test database with them.
    flushes = _flushes(item) and nextitem is not None
    yield
    if flushes:
        with item.config.stash[blocking_manager_key].unblock():
            _seed()


@pytest.fixture(autouse=True)
def _second_factor_off(settings: Any) -> None:
    """The suite runs with REQUIRE_2FA off whatever DEBUG says; the second factor's own
    tests (tests/test_second_factor.py, tests/e2e/test_second_factor.py) turn it on."""
    settings.REQUIRE_2FA = False


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
def editor_client(client: Any, editor: Any) -> Any:
    """The test client, signed in as an editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer(roles: dict[str, Group]):
    return factories.UserFactory(username="rev", role=REVIEWER)
