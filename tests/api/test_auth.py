"""Tokens (stored as digests, scoped, expiring, revocable), the create_token command, the
token admin, sessions with CSRF, and throttling with Retry-After."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken
from core.tokens import token_create, token_revoke
from tests.api.conftest import make_token, token_client
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def new_claim(source) -> dict:
    return {"statement": "The port reopened on Monday.", "attributions": [{"source": source.pk, "role": "claimant"}]}


# --- Stored as digests, shown once ------------------------------------------------------------


def test_a_key_is_stored_only_as_its_digest(editor):
    token, key = make_token(editor, "read")
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)  # every table, the change history included
    assert key not in dump.getvalue()
    assert token.digest != key
    assert key.startswith(token.prefix)
    assert len(key) > len(token.prefix) + 32


def test_create_token_prints_the_key_as_its_last_line_and_the_key_works(reviewer, workflow):
    unpublished = workflow.submitted()
    out = io.StringIO()
    call_command("create_token", reviewer.username, "--scope", "read", "--expires-days", "30", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(user=reviewer)
    assert token.scope == "read"
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    # A read token of a reviewer sees unpublished claims: the key is this token.
    response = token_client(key).get(f"{CLAIMS}{unpublished.pk}/")
    assert response.status_code == 200


def test_create_token_refuses_an_unknown_user_or_scope(reviewer):
    with pytest.raises(CommandError, match="no user"):
        call_command("create_token", "nobody", "--scope", "read")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("create_token", reviewer.username, "--scope", "admin")
    assert not ApiToken.objects.exists()


def test_only_editors_create_tokens(reviewer, editor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_create(actor=reviewer, user=reviewer, name="mine", scope="write")
    token, _ = token_create(actor=editor, user=editor, name="CMS", scope="submit")
    assert token.created_by == editor
    # A token acts as its user: an editor may not make one that acts as someone else
    # (it would get round four-eyes); an administrator makes them for integration accounts.
    with pytest.raises(PermissionDenied, match="only for your own account"):
        token_create(actor=editor, user=reviewer, name="CMS", scope="submit")
    admin = UserFactory(username="root", is_superuser=True)
    with pytest.raises(PermissionDenied, match="only for your own account"):
        token_create(actor=editor, user=admin, name="escalation", scope="write")
    integration, _ = token_create(actor=admin, user=reviewer, name="Chat bot", scope="submit")
    assert integration.user == reviewer


# --- Refusals ----------------------------------------------------------------------------------


def test_a_revoked_token_is_refused_on_the_very_next_request(editor):
    token, key = make_token(editor, "write")
    client = token_client(key)
    assert client.get(CLAIMS).status_code == 200
    token_revoke(actor=editor, token=token)
    response = client.get(CLAIMS)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked.", "code": "token_revoked"}
    assert response["WWW-Authenticate"] == "Token"


def test_an_expired_token_is_refused(editor):
    token, key = make_token(editor, "write")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = token_client(key).get(CLAIMS)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_an_unknown_or_malformed_token_is_refused(editor):
    _, key = make_token(editor, "read")
    for header in (f"Token {key}x", "Token", f"Token {key} extra", "Token \u00e9t\u00e9"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get(CLAIMS)
        assert response.status_code == 401, header
        assert set(response.json()) == {"detail", "code"}


def test_a_token_of_a_disabled_account_is_refused(reviewer):
    _, key = make_token(reviewer, "read")
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    assert token_client(key).get(CLAIMS).json()["code"] == "user_inactive"


def test_another_authorization_scheme_is_simply_no_credentials(workflow):
    published, unpublished = workflow.published(), workflow.submitted()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer something")
    ids = {c["id"] for c in client.get(CLAIMS).json()["results"]}
    assert published.pk in ids
    assert unpublished.pk not in ids


def test_last_use_is_recorded_at_most_once_a_minute_and_not_in_the_history(editor):
    token, key = make_token(editor, "read")
    client = token_client(key)
    client.get(CLAIMS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(CLAIMS)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get(CLAIMS)
    token.refresh_from_db()
    assert token.last_used_at > first
    assert token.events.count() == 1  # its creation only


# --- Scopes ------------------------------------------------------------------------------------


def test_a_token_can_do_at_most_what_its_users_role_allows(roles):
    nobody = UserFactory(username="no-role")
    _, key = make_token(nobody, "write")
    response = token_client(key).post(CLAIMS, new_claim(SourceFactory()), format="json")
    assert response.status_code == 403
    assert "role" in response.json()["detail"]


def test_a_read_token_cannot_write_and_says_why(reviewer):
    _, key = make_token(reviewer, "read")
    response = token_client(key).post(CLAIMS, new_claim(SourceFactory()), format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "A read token cannot do this; it needs a token with the write scope.",
        "code": "permission_denied",
    }


# --- The role behind a token --------------------------------------------------------------------


def test_a_permission_taken_away_applies_to_the_very_next_request(reviewer, workflow, roles):
    from django.contrib.auth.models import Permission

    draft = workflow.submitted()
    _, key = make_token(reviewer, "read")
    client = token_client(key)
    assert client.get(f"{CLAIMS}{draft.pk}/").status_code == 200
    reviewer.groups.clear()  # no longer a reviewer: the draft is not theirs to read
    assert client.get(f"{CLAIMS}{draft.pk}/").status_code == 404
    # Given back to the person directly, not through a group, it applies at once too.
    reviewer.user_permissions.add(Permission.objects.get(codename="view_claim", content_type__app_label="claims"))
    assert client.get(f"{CLAIMS}{draft.pk}/").status_code == 200
    reviewer.user_permissions.clear()
    assert client.get(f"{CLAIMS}{draft.pk}/").status_code == 404


def test_a_token_request_reads_its_users_permissions_with_the_token(reviewer, editor):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.authentication import TokenAuthentication

    reviewer.user_permissions.add(Permission.objects.get(codename="add_source"))
    for user in (reviewer, editor, UserFactory(username="no-role")):
        _, key = make_token(user, "read")
        TokenAuthentication().authenticate_key(key)  # the first use is recorded (one UPDATE)
        with CaptureQueriesContext(connection) as context:
            found, _ = TokenAuthentication().authenticate_key(key)
            assert len(context.captured_queries) == 1
            fresh = type(user).objects.get(pk=user.pk)
            assert found.get_all_permissions() == ModelBackend().get_all_permissions(fresh)
        assert len(context.captured_queries) == 4  # the fresh user, its own and its groups' permissions


# --- Sessions and CSRF (D2) --------------------------------------------------------------------


def test_a_session_write_without_a_csrf_token_is_refused(editor, workflow):
    """Every state-changing operation of the schema, as a signed-in editor without the
    CSRF token: refused before anything else is looked at."""
    claim = workflow.researching()
    spec = APIClient().get("/api/schema/", {"format": "json"}).json()
    writes = [
        (method, re.sub(r"\{[^}]+\}", str(claim.pk), path))
        for path, item in spec["paths"].items()
        for method in item
        if method in ("post", "put", "patch", "delete")
    ]
    assert len(writes) >= 15
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    for method, url in writes:
        response = getattr(client, method)(url, {"version": claim.version}, format="json")
        assert response.status_code == 403, (method, url)
        assert "CSRF" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.version == 2  # nothing was written


def test_a_session_write_with_its_csrf_token_goes_through(reviewer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reviewer)
    client.get(CLAIMS, HTTP_ACCEPT="text/html")  # the browsable API's page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(CLAIMS, new_claim(SourceFactory()), format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201


def test_token_requests_need_no_csrf_token(reviewer):
    _, key = make_token(reviewer, "write")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(CLAIMS, new_claim(SourceFactory()), format="json").status_code == 201


# --- Throttling (D5) ---------------------------------------------------------------------------


def test_a_token_over_its_rate_gets_429_with_retry_after(settings, editor):
    settings.API_THROTTLE_USER = "3/minute"
    _, key = make_token(editor, "read")
    client = token_client(key)
    assert [client.get(CLAIMS).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(CLAIMS)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 54 <= int(response["Retry-After"]) <= 60  # the window is a minute (±10 %)
    # Another token has its own count.
    _, other = make_token(editor, "read")
    assert token_client(other).get(CLAIMS).status_code == 200


def test_callers_without_credentials_are_throttled_by_address(settings, db):
    settings.API_THROTTLE_ANON = "2/minute"
    client = APIClient(REMOTE_ADDR="203.0.113.77")
    assert [client.get(CLAIMS).status_code for _ in range(2)] == [200, 200]
    response = client.get(CLAIMS, HTTP_X_FORWARDED_FOR="198.51.100.1")  # cannot pick another bucket
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert APIClient(REMOTE_ADDR="203.0.113.78").get(CLAIMS).status_code == 200


# --- The admin ---------------------------------------------------------------------------------


def test_the_admin_shows_a_new_key_once_and_never_the_digest(client, editor, reviewer):
    client.force_login(editor)
    response = client.post(
        reverse("admin:core_apitoken_add"),
        {"user": editor.pk, "name": "Chat bot", "scope": "submit", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Chat bot")
    shown = [str(m) for m in response.context["messages"]]
    key = next(word for m in shown for word in m.replace("<", " ").replace(">", " ").split() if word.startswith("crb_"))
    assert token_client(key).get(CLAIMS).status_code == 200
    page = client.get(reverse("admin:core_apitoken_change", args=[token.pk])).content.decode()
    assert token.digest not in page
    assert key not in page
    assert key not in client.get(reverse("admin:core_apitoken_changelist")).content.decode()


def test_the_admin_revokes_tokens(client, editor):
    token, key = make_token(editor, "read")
    client.force_login(editor)
    client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == editor
    assert token_client(key).get(CLAIMS).status_code == 401


# --- Logs (D4) ---------------------------------------------------------------------------------


def test_no_key_reaches_the_logs(caplog, editor, reviewer, workflow):
    caplog.set_level(logging.DEBUG)
    claim = workflow.submitted()
    out = io.StringIO()
    call_command("create_token", reviewer.username, "--scope", "write", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = token_client(key)
    client.get(CLAIMS)
    client.get(f"{CLAIMS}999999/")  # a 404 is logged as a warning
    client.patch(f"{CLAIMS}{claim.pk}/", {"version": 99, "context": "x"}, format="json")  # 409 or 403
    token_revoke(actor=editor, token=ApiToken.objects.get(user=reviewer))
    client.get(CLAIMS)  # 401, logged
    assert caplog.records  # something was logged
    assert key not in caplog.text
    assert key[len("crb_") :] not in caplog.text


def test_the_browsable_api_offers_forms_only_to_those_who_may_use_them(client, editor):
    form = 'id="post-generic-content-form"'
    assert form not in client.get(CLAIMS, HTTP_ACCEPT="text/html").content.decode()
    client.force_login(editor)
    assert form in client.get(CLAIMS, HTTP_ACCEPT="text/html").content.decode()
