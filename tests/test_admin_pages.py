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


def test_a_row_s_selection_box_is_the_one_django_s_widget_renders(demo, editor_client):
    from django import forms
    from django.contrib.admin import helpers

    from core.admin import NotFoundAdmin

    claim = Claim.objects.order_by("pk").first()
    widget = forms.CheckboxInput(
        {"class": "action-select", "aria-label": f"Select this object for an action - {claim}"}, lambda value: False
    )
    expected = widget.render(helpers.ACTION_CHECKBOX_NAME, str(claim.pk))
    assert NotFoundAdmin(Claim, admin.site).action_checkbox(claim) == expected
    assert expected in editor_client.get(admin_url(Claim, "changelist")).content.decode()


def test_the_claim_list_reads_no_claim_table_wide_lists_for_its_filters(demo, editor_client, reviewer):
    """The rating, assignee and language filters list the ratings, the people who may be
    assigned and the languages from their index, not the distinct values of every
    claim; there is no date hierarchy (its first and last date and distinct days are a
    scan of every claim on each page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as sent:
        page = editor_client.get(admin_url(Claim, "changelist")).content.decode()
    claim_scans = [
        q["sql"] for q in sent.captured_queries if "DISTINCT" in q["sql"] and 'FROM "claims_claim"' in q["sql"]
    ]
    assert claim_scans == []
    assert not any('MIN("claims_claim"."created_at")' in q["sql"] for q in sent.captured_queries)
    # The reviewer, who has no claim yet, can be chosen; so can "Nobody".
    assert f"?assignee__id__exact={reviewer.pk}" in page
    assert "?assignee__id__exact=none" in page


def test_the_assignee_filter_narrows_the_list(demo, editor_client):
    assigned = Claim.objects.filter(assignee__isnull=False).first()
    assert assigned is not None
    mine = editor_client.get(admin_url(Claim, "changelist"), {"assignee__id__exact": assigned.assignee_id})
    shown = [claim.pk for claim in mine.context["cl"].result_list]
    assert assigned.pk in shown
    assert all(Claim.objects.get(pk=pk).assignee_id == assigned.assignee_id for pk in shown)
    nobody = editor_client.get(admin_url(Claim, "changelist"), {"assignee__id__exact": "none"})
    assert all(claim.assignee_id is None for claim in nobody.context["cl"].result_list)
    assert assigned.pk not in [claim.pk for claim in nobody.context["cl"].result_list]


def test_the_language_filter_lists_the_languages_recorded_and_narrows_the_list(demo, editor_client):
    from claims.models import claim_languages

    english = Claim.objects.filter(language="en").order_by("pk").first()
    assert english is not None
    french = Claim.objects.exclude(pk=english.pk).order_by("pk").first()
    Claim.objects.filter(pk=french.pk).update(language="fr")
    assert claim_languages() == sorted(set(Claim.objects.values_list("language", flat=True)))
    assert "fr" in claim_languages()
    page = editor_client.get(admin_url(Claim, "changelist")).content.decode()
    assert "?language__exact=fr" in page
    assert "?language__exact=en" in page
    shown = editor_client.get(admin_url(Claim, "changelist"), {"language__exact": "fr"}).context["cl"].result_list
    assert [claim.pk for claim in shown] == [french.pk]


def test_row_links_carry_the_list_s_filters_as_django_s_own_links_do(demo, editor_client):
    """The row links are made once per page (`core.admin.RowLinkChangeList`): each is
    the address Django's `add_preserved_filters` gives a row, filters and all."""
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
    from django.urls import reverse

    claim = Claim.objects.order_by("pk").first()
    response = editor_client.get(admin_url(Claim, "changelist"), {"status__exact": claim.status, "o": "1"})
    page = response.content.decode()
    from core.admin import RowLinkChangeList

    assert isinstance(response.context["cl"], RowLinkChangeList)
    model_admin = admin.site._registry[Claim]
    expected = add_preserved_filters(
        {"preserved_filters": model_admin.get_preserved_filters(response.wsgi_request), "opts": Claim._meta},
        reverse("admin:claims_claim_change", args=(claim.pk,)),
    )
    assert "_changelist_filters=" in expected
    assert f'href="{expected.replace("&", "&amp;")}"' in page
    # Without filters, a row links to the change page alone.
    plain = editor_client.get(admin_url(Claim, "changelist")).content.decode()
    assert f'href="{reverse("admin:claims_claim_change", args=(claim.pk,))}"' in plain
