"""`Idempotency-Key` on API POSTs: a retry gets the first answer instead of doing the
work twice; the same key with another request is refused; keys are per caller and last
IDEMPOTENCY_KEY_HOURS."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection

from claims.models import Claim
from core.models import IdempotencyKey
from sources.models import Source
from tests.api.conftest import make_token, new_source_claim, token_client

CLAIMS = "/api/v1/claims/"


def post(client, url, data, key):
    return client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_retry_with_the_same_key_gets_the_first_answer_and_records_nothing_twice(callers):
    client = callers["submit_token_reviewer"].client
    first = post(client, CLAIMS, new_source_claim(), "cms-4711")
    again = post(client, CLAIMS, new_source_claim(), "cms-4711")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Claim.objects.count() == 1
    assert Source.objects.filter(name="A Harbour Master").count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_with_422(callers):
    client = callers["submit_token_reviewer"].client
    post(client, CLAIMS, new_source_claim("The harbour reopened on Monday."), "cms-1")
    refused = post(client, CLAIMS, new_source_claim("The harbour closed on Tuesday."), "cms-1")
    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"
    assert list(Claim.objects.values_list("statement", flat=True)) == ["The harbour reopened on Monday."]


@pytest.mark.django_db
def test_the_same_object_spelt_differently_is_the_same_request(callers):
    client = callers["submit_token_reviewer"].client
    data = new_source_claim()
    client.post(CLAIMS, data, format="json", HTTP_IDEMPOTENCY_KEY="k")
    # The same object: keys in another order, other spacing.
    reordered = json.dumps({"attributions": data["attributions"], "statement": data["statement"]}, indent=4)
    again = client.post(CLAIMS, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_request_keeps_nothing_so_it_can_be_corrected_under_the_same_key(callers):
    client = callers["submit_token_reviewer"].client
    assert post(client, CLAIMS, {"statement": ""}, "fix-me").status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(client, CLAIMS, new_source_claim(), "fix-me").status_code == 201
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_caller(callers):
    post(callers["submit_token_reviewer"].client, CLAIMS, new_source_claim(), "shared")
    other = post(callers["write_token_editor"].client, CLAIMS, new_source_claim(), "shared")
    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Claim.objects.count() == 2


@pytest.mark.django_db
def test_a_key_is_forgotten_after_a_day(callers, settings):
    client = callers["submit_token_reviewer"].client
    post(client, CLAIMS, new_source_claim(), "daily")
    IdempotencyKey.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    later = post(client, CLAIMS, new_source_claim(), "daily")
    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later
    assert Claim.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_a_key_that_is_not_printable_ascii_is_a_400(callers, key):
    response = post(callers["submit_token_reviewer"].client, CLAIMS, new_source_claim(), key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_every_post_takes_a_key_transitions_too(callers, workflow):
    claim = workflow.submitted()
    client = callers["write_token_editor"].client
    url = f"{CLAIMS}{claim.pk}/transitions/"
    body = {"transition": "accept", "version": claim.version}
    first, again = post(client, url, body, "accept-1"), post(client, url, body, "accept-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert claim.transitions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_the_same_moment_do_the_work_once(editor, roles, default_scale) -> None:
    key = make_token(editor, "write")[1]
    answers: list[int] = []
    start = threading.Barrier(2)

    def send() -> None:
        try:
            start.wait()
            answers.append(post(token_client(key), CLAIMS, new_source_claim(), "race").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [201, 201]
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_the_schema_offers_the_header_on_every_post(client):
    spec = client.get("/api/schema/", {"format": "json"}).json()
    posts = [op for item in spec["paths"].values() for method, op in item.items() if method == "post"]
    assert posts
    for operation in posts:
        assert any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in operation["parameters"])
        assert "422" in operation["responses"]
