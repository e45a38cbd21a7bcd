"""Every admin page renders for an editor, on the demo story loaded once for the module."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction

from claims.models import Claim
from core.roles import sync_roles
from tests.test_admin import admin_url, registered_models

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo story, loaded once for the module: inside a transaction that each test's
    own (a savepoint) rolls back to and that is itself rolled back after the module, so
    no test sees another's writes and the tests after the module see none of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        sync_roles()
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_list_and_change_page_renders_for_an_editor(demo, editor_client, model):
    response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    obj = model._default_manager.first()
    if obj is not None and model._meta.app_label != "pghistory":
        assert editor_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(response.wsgi_request):
        assert editor_client.get(admin_url(model, "add")).status_code == 200


def test_the_claim_list_shows_the_sourcing_summary(demo, editor_client):
    page = editor_client.get(admin_url(Claim, "changelist")).content.decode()
    assert "1 named · 2 anonymous · caveats complete" in page
