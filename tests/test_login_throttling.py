"""Brute force: after 100 failed logins for one account within the hour, the next login
is refused — even with the right password — on the reviewer pages and in the admin."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_the_101st_login_after_100_failures_is_refused(client, roles, login_url):
    UserFactory(username="target", role="editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login_url, {"username": "target", "password": "wrong-password-123"})
        assert response.status_code == 200  # the form again, with its error
    assert client.post(login_url, {"username": "target", "password": "wrong-password-123"}).status_code == 429

    refused = client.post(login_url, {"username": "target", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_few_failures_do_not_lock_an_account(client, roles):
    UserFactory(username="typo", role="reviewer")
    for _ in range(3):
        client.post(reverse("login"), {"username": "typo", "password": "not it at all"})
    response = client.post(reverse("login"), {"username": "typo", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
