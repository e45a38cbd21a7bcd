"""Webhooks: endpoints registered by editors, one delivery per transition written in the
transition's own transaction, signed POSTs to a real receiver on a local HTTP server,
retries with backoff up to a cap, idempotent attempts, and internal addresses refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
import uuid
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from werkzeug import Request, Response

from config.celery import app as celery_app
from core.history import history_of
from integrations import webhooks
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from integrations.services import (
    webhook_deliveries_due,
    webhook_deliveries_record,
    webhook_delivery_attempt,
    webhook_delivery_retry,
    webhook_endpoint_create,
    webhook_endpoint_update,
    webhook_retry_delay,
)
from integrations.tasks import deliver_webhook, sweep_webhook_deliveries
from reviews.services import transition_take
from reviews.webhooks import transition_event
from reviews.workflow import TransitionName
from tests.integrations.conftest import Receiver, verify
from tests.worker import running_worker

pytestmark = pytest.mark.django_db

HEADERS = (
    "Content-Type",
    "User-Agent",
    "X-Corroborate-Event",
    "X-Corroborate-Delivery",
    "X-Corroborate-Timestamp",
    "X-Corroborate-Signature",
)


def register(editor: Any, receiver: Receiver, **fields: Any) -> WebhookEndpoint:
    endpoint, secret = webhook_endpoint_create(actor=editor, url=receiver.url, description="CMS", **fields)
    receiver.secret = secret
    return endpoint


def deliveries_of(transition: Any) -> Any:
    """The deliveries of a transition's event: its claim's event number `sequence`."""
    return WebhookDelivery.objects.filter(claim=transition.claim_id, sequence=transition.sequence)


def accept(workflow: Any, claim: Any = None) -> Any:
    claim = claim or workflow.submitted()
    return transition_take(actor=workflow.editor, claim=claim, name=TransitionName.ACCEPT, note="Worth checking.")


# --- Endpoints ---------------------------------------------------------------------------------


def test_an_editor_registers_an_endpoint_and_gets_its_secret_once(editor, dns):
    endpoint, secret = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/corroborate")

    assert secret.startswith("crb_whsec_")
    assert len(secret) >= 40
    assert endpoint.secret == secret
    assert endpoint.events == ["claim.transitioned"]
    assert endpoint.is_active
    assert endpoint.created_by == editor
    # The change history records the endpoint, never its secret.
    assert history_of(endpoint)
    assert all(secret not in repr(entry.data) + repr(entry.changes) for entry in history_of(endpoint))


def test_each_endpoint_gets_its_own_secret(editor):
    secrets = {webhook_endpoint_create(actor=editor, url="https://hooks.example.org/a")[1] for _ in range(3)}
    assert len(secrets) == 3


def test_a_reviewer_cannot_register_or_change_endpoints(reviewer, editor):
    with pytest.raises(PermissionDenied):
        webhook_endpoint_create(actor=reviewer, url="https://hooks.example.org/corroborate")
    endpoint, _ = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/corroborate")
    with pytest.raises(PermissionDenied):
        webhook_endpoint_update(actor=reviewer, endpoint=endpoint, is_active=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://192.168.0.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[::1]/hook", "loopback"),
        ("http://2130706433/hook", "loopback"),  # 127.0.0.1 written as one number
        ("ftp://hooks.example.org/hook", "http"),
        ("https://user:pw@hooks.example.org/hook", "password"),
        ("https://unknown.example.net/hook", "resolved"),
    ],
)
def test_an_endpoint_on_an_internal_or_bad_address_is_refused(editor, url, reason):
    with pytest.raises(ValidationError) as exc:
        webhook_endpoint_create(actor=editor, url=url)
    assert reason in " ".join(exc.value.message_dict["url"])
    assert not WebhookEndpoint.objects.exists()


def test_a_name_resolving_to_a_private_address_is_refused(editor, dns):
    dns["intranet.example.org"] = ["93.184.215.14", "10.0.0.7"]
    with pytest.raises(ValidationError) as exc:
        webhook_endpoint_create(actor=editor, url="https://intranet.example.org/hook")
    message = exc.value.message_dict["url"][0]
    assert "resolves to a private address" in message
    assert "10.0.0.7" not in message  # the refusal does not say where an internal name points


def test_fetch_allowed_networks_opens_a_range_but_never_the_metadata_service(editor, settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8", "169.254.0.0/16"]
    endpoint, _ = webhook_endpoint_create(actor=editor, url="http://127.0.0.1:9000/hook")
    assert endpoint.url == "http://127.0.0.1:9000/hook"
    with pytest.raises(ValidationError):
        webhook_endpoint_create(actor=editor, url="http://169.254.169.254/hook")


def test_a_changed_url_is_checked_like_a_new_one(editor):
    endpoint, _ = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/a")
    with pytest.raises(ValidationError):
        webhook_endpoint_update(actor=editor, endpoint=endpoint, url="http://10.0.0.1/hook")
    webhook_endpoint_update(actor=editor, endpoint=endpoint, description="Chat bot", is_active=False)
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description, endpoint.is_active) == (
        "https://hooks.example.org/a",
        "Chat bot",
        False,
    )


def test_unknown_events_are_refused(editor):
    with pytest.raises(ValidationError) as exc:
        webhook_endpoint_create(actor=editor, url="https://hooks.example.org/a", events=["claim.deleted"])
    assert "claim.deleted" in exc.value.message_dict["events"][0]


# --- The outbox ----------------------------------------------------------------------------------


def test_a_transition_writes_one_delivery_per_active_subscribed_endpoint(workflow, editor):
    cms, _ = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/cms")
    bot, _ = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/bot")
    paused, _ = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/paused")
    webhook_endpoint_update(actor=editor, endpoint=paused, is_active=False)

    transition = accept(workflow)

    deliveries = deliveries_of(transition).order_by("endpoint_id")
    assert [d.endpoint for d in deliveries] == [cms, bot]
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
    assert {d.attempts for d in deliveries} == {0}
    assert len({d.delivery_id for d in deliveries}) == 2


def test_an_endpoint_registered_or_deactivated_counts_from_the_very_next_transition(workflow, editor):
    assert not deliveries_of(accept(workflow)).exists()
    endpoint, _ = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/cms")
    assert [d.endpoint_id for d in deliveries_of(accept(workflow))] == [endpoint.pk]

    webhook_endpoint_update(actor=editor, endpoint=endpoint, is_active=False)
    assert not deliveries_of(accept(workflow)).exists()

    # Nothing is cached: a change made outside the services (in the database itself, or
    # by another process) counts as soon as it is committed, too.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True)
    with CaptureQueriesContext(connection) as queries:
        transition = accept(workflow)
    assert [d.endpoint_id for d in deliveries_of(transition)] == [endpoint.pk]
    # The endpoints are read with the claim, in the transition's transaction: no query of their own.
    endpoint_table = WebhookEndpoint._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{endpoint_table}"')]


def test_the_payload_is_the_claim_and_the_transition(workflow, editor):
    webhook_endpoint_create(actor=editor, url="https://hooks.example.org/cms")
    claim = workflow.in_review()
    transition = transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH, note="Confirmed.")
    claim.refresh_from_db()

    delivery = deliveries_of(transition).get()

    assert delivery.payload == {
        "event": "claim.transitioned",
        "delivery": str(delivery.delivery_id),
        "sequence": transition.sequence,
        "claim": {
            "id": claim.pk,
            "statement": claim.statement,
            "quote": "",
            "status": "published",
            "rating": "true",
            "version": claim.version,
            "created_at": claim.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": claim.updated_at.isoformat().replace("+00:00", "Z"),
            "url": f"{django_settings.SITE_URL.rstrip('/')}/fact-checks/{claim.pk}/",
        },
        "transition": {
            "id": transition.pk,
            "name": "publish",
            "from": "in_review",
            "to": "published",
            "actor": "ed",
            "note": "Confirmed.",
            "created_at": transition.created_at.isoformat().replace("+00:00", "Z"),
            "claim_version": claim.version,
        },
    }


def test_an_unpublished_claim_has_no_public_url_in_the_payload(workflow, editor):
    webhook_endpoint_create(actor=editor, url="https://hooks.example.org/cms")
    delivery = deliveries_of(accept(workflow)).get()
    assert delivery.payload["claim"]["url"] is None
    assert delivery.payload["claim"]["rating"] is None


@pytest.mark.django_db(transaction=True)
def test_the_outbox_refuses_to_write_outside_the_transitions_transaction(workflow):
    transition = accept(workflow)
    # On its own (autocommit) it could leave a delivery behind a rolled-back transition.
    with pytest.raises(RuntimeError):
        webhook_deliveries_record(transition_event(transition, transition.claim))


def test_a_transition_rolled_back_creates_no_delivery_and_sends_nothing(
    workflow, editor, receiver, eager_tasks, django_capture_on_commit_callbacks
):
    register(editor, receiver)
    claim = workflow.submitted()

    written = []

    def failing_request() -> None:
        with transaction.atomic():
            accept(workflow, claim)
            written.append(WebhookDelivery.objects.count())  # written with the transition…
            raise RuntimeError("the request failed after the transition")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_request()

    assert written == [1]

    assert WebhookDelivery.objects.count() == 0  # …and gone with it
    assert callbacks == []
    assert receiver.calls == 0


# --- Delivering --------------------------------------------------------------------------------


def test_the_receiver_gets_a_signed_post_after_a_real_transition(
    workflow, editor, receiver, eager_tasks, django_capture_on_commit_callbacks
):
    endpoint = register(editor, receiver)
    claim = workflow.submitted()

    with django_capture_on_commit_callbacks(execute=True):
        transition = accept(workflow, claim)

    delivery = deliveries_of(transition).get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None
    assert delivery.last_error == ""
    assert receiver.refused == []
    (payload,) = receiver.accepted
    assert payload == delivery.payload
    assert payload["transition"]["name"] == "accept"
    (headers,) = receiver.headers
    assert all(name in headers for name in HEADERS)
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("Corroborate-Webhooks/")
    assert headers["X-Corroborate-Event"] == "claim.transitioned"
    assert headers["X-Corroborate-Delivery"] == str(delivery.delivery_id)
    assert headers["X-Corroborate-Signature"].startswith("sha256=")
    assert abs(int(headers["X-Corroborate-Timestamp"]) - timezone.now().timestamp()) < 60
    assert endpoint.deliveries.get() == delivery


def test_a_receiver_with_the_wrong_secret_refuses_the_delivery(
    workflow, editor, receiver, eager_tasks, django_capture_on_commit_callbacks
):
    register(editor, receiver)
    receiver.secret = "crb_whsec_not-the-right-one"
    with django_capture_on_commit_callbacks(execute=True):
        transition = accept(workflow)
    delivery = deliveries_of(transition).get()
    assert receiver.refused == ["bad signature"]
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, 401)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = b'{"event":"claim.transitioned"}'
    assert webhooks.signature("s3cret", 1767225600, body) == (
        "sha256=" + hmac.new(b"s3cret", b"1767225600." + body, hashlib.sha256).hexdigest()
    )
    headers = webhooks.signed_headers(
        secret="s3cret", event="claim.transitioned", delivery_id="d-1", body=body, timestamp=1767225600
    )
    assert headers["X-Corroborate-Signature"] == webhooks.signature("s3cret", 1767225600, body)
    with pytest.raises(ValueError, match="stale"):
        verify("s3cret", headers, body)  # a receiver refuses a replay of an old delivery


def test_a_500_then_200_is_retried_after_a_backoff_and_delivered_in_two_attempts(workflow, editor, receiver):
    receiver.statuses = [500, 200]
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()

    first = webhook_delivery_attempt(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.PENDING, 1, 500)
    assert delivery.last_error.startswith("HTTP 500")
    assert 30 <= first.retry_in <= 60  # the first backoff, with jitter
    # Due that backoff after the attempt: no sooner, and no later than it from now.
    assert delivery.next_attempt_at >= delivery.last_attempt_at + dt.timedelta(seconds=first.retry_in)
    assert delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=first.retry_in)
    assert webhook_delivery_attempt(delivery.pk).status == ""  # not due yet: nothing sent
    assert receiver.calls == 1

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # time passes
    deliver_webhook(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 2, 200)
    assert receiver.calls == 2
    assert len(receiver.accepted) == 1
    assert {h["X-Corroborate-Delivery"] for h in receiver.headers} == {str(delivery.delivery_id)}


def test_retries_run_on_their_own_through_the_task(
    workflow, editor, receiver, eager_tasks, no_wait, django_capture_on_commit_callbacks
):
    receiver.statuses = [503, 502, 200]
    register(editor, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        transition = accept(workflow)
    delivery = deliveries_of(transition).get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)


def test_a_permanently_failing_endpoint_ends_failed_after_the_cap_with_the_error_visible(
    workflow, editor, receiver, eager_tasks, no_wait, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    register(editor, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        transition = accept(workflow)

    delivery = deliveries_of(transition).get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == django_settings.WEBHOOK_MAX_ATTEMPTS == 6
    assert receiver.calls == 6
    assert delivery.last_status_code == 503
    assert delivery.last_error == "HTTP 503 SERVICE UNAVAILABLE: receiver trouble Gave up after 6 attempts."
    # Failed is final: nothing more is sent.
    deliver_webhook(delivery.pk)
    assert receiver.calls == 6


@pytest.mark.parametrize(("status", "ends"), [(400, "failed"), (401, "failed"), (410, "failed"), (404, "failed")])
def test_a_4xx_answer_fails_at_once(workflow, editor, receiver, status, ends):
    receiver.statuses = [status]
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()
    assert webhook_delivery_attempt(delivery.pk).status == ends
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, status)


@pytest.mark.parametrize("status", [408, 429])
def test_408_and_429_are_retried(workflow, editor, receiver, status):
    receiver.statuses = [status, 200]
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()
    assert webhook_delivery_attempt(delivery.pk).status == DeliveryStatus.PENDING


def test_a_redirect_is_not_followed(workflow, editor, httpserver, loopback_allowed):
    httpserver.expect_request("/moved", method="POST").respond_with_data(
        "", status=301, headers={"Location": "http://127.0.0.1:1/internal"}
    )
    webhook_endpoint_create(actor=editor, url=httpserver.url_for("/moved"))
    delivery = deliveries_of(accept(workflow)).get()
    assert webhook_delivery_attempt(delivery.pk).status == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert "do not follow redirects" in delivery.last_error
    assert len(httpserver.log) == 1


def test_a_receiver_that_does_not_answer_is_cut_off_and_retried(
    workflow, editor, httpserver, loopback_allowed, settings
):
    settings.WEBHOOK_TIMEOUT = 1
    stop = threading.Event()

    def never_answers(request: Request) -> Response:
        stop.wait(60)
        return Response("too late")

    httpserver.expect_request("/slow", method="POST").respond_with_handler(never_answers)
    webhook_endpoint_create(actor=editor, url=httpserver.url_for("/slow"))
    delivery = deliveries_of(accept(workflow)).get()

    started = timezone.now()
    outcome = webhook_delivery_attempt(delivery.pk)
    took = (timezone.now() - started).total_seconds()
    stop.set()

    delivery.refresh_from_db()
    assert outcome.status == DeliveryStatus.PENDING
    assert "did not answer within the 1-second limit" in delivery.last_error
    assert took < 20  # the receiver would hold on for a minute


def test_nothing_listening_is_a_connection_error_that_is_retried(workflow, editor, loopback_allowed):
    webhook_endpoint_create(actor=editor, url="http://127.0.0.1:9/hook")  # the discard port: closed
    delivery = deliveries_of(accept(workflow)).get()
    assert webhook_delivery_attempt(delivery.pk).status == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Could not connect to 127.0.0.1")


def test_a_name_that_now_resolves_inside_is_refused_at_delivery_time(workflow, editor, dns):
    webhook_endpoint_create(actor=editor, url="https://hooks.example.org/cms")
    delivery = deliveries_of(accept(workflow)).get()
    dns["hooks.example.org"] = ["10.9.8.7"]  # DNS changed after registration

    assert webhook_delivery_attempt(delivery.pk).status == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert "resolves to a private address" in delivery.last_error
    assert "10.9.8.7" not in delivery.last_error


def test_a_deactivated_endpoint_gets_nothing_more(workflow, editor, receiver):
    endpoint = register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()
    webhook_endpoint_update(actor=editor, endpoint=endpoint, is_active=False)

    assert webhook_delivery_attempt(delivery.pk).status == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.last_error == "The endpoint was deactivated before this delivery was sent."
    assert receiver.calls == 0


# --- Idempotency -------------------------------------------------------------------------------


def test_running_the_delivery_task_twice_sends_once(workflow, editor, receiver):
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()

    assert deliver_webhook(delivery.pk) == DeliveryStatus.DELIVERED
    assert deliver_webhook(delivery.pk) == "skipped"

    assert receiver.calls == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_missing_delivery_is_skipped(db):
    assert deliver_webhook(987654) == "skipped"


@pytest.mark.django_db(transaction=True)
def test_two_workers_cannot_both_send_a_delivery(workflow, editor, receiver) -> None:
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()
    results: list[str] = []
    start = threading.Barrier(6)

    def worker() -> None:
        try:
            start.wait()
            results.append(webhook_delivery_attempt(delivery.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["", "", "", "", "", "delivered"]
    assert receiver.calls == 1


# --- Backoff, the sweeper, retrying by hand ---------------------------------------------------


def test_the_backoff_doubles_with_jitter_up_to_the_cap(settings):
    assert (settings.WEBHOOK_RETRY_BASE_DELAY, settings.WEBHOOK_RETRY_MAX_DELAY) == (60, 1800)
    for attempts, (low, high) in {1: (30, 60), 2: (60, 120), 3: (120, 240), 4: (240, 480), 5: (480, 960)}.items():
        delays = [webhook_retry_delay(attempts) for _ in range(200)]
        assert min(delays) >= low
        assert max(delays) <= high
        assert max(delays) - min(delays) > (high - low) / 4  # jitter spreads them
    assert max(webhook_retry_delay(12) for _ in range(50)) <= 1800
    assert webhook_retry_delay(1, retry_after=600) == 600  # Retry-After honoured…
    assert webhook_retry_delay(1, retry_after=86_400) == 1800  # …up to the cap


def test_the_sweeper_requeues_overdue_deliveries_and_closes_abandoned_ones(workflow, editor, receiver):
    register(editor, receiver)
    overdue = deliveries_of(accept(workflow)).get()
    fresh = deliveries_of(accept(workflow)).get()
    abandoned = deliveries_of(accept(workflow)).get()
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=overdue.pk).update(next_attempt_at=now - dt.timedelta(minutes=5), attempts=2)
    WebhookDelivery.objects.filter(pk=fresh.pk).update(next_attempt_at=now)
    # Its final attempt claimed the row and never wrote an outcome (the worker died).
    WebhookDelivery.objects.filter(pk=abandoned.pk).update(
        next_attempt_at=now - dt.timedelta(minutes=1), attempts=django_settings.WEBHOOK_MAX_ATTEMPTS
    )

    assert webhook_deliveries_due(now=now) == [overdue.pk]

    abandoned.refresh_from_db()
    assert abandoned.status == DeliveryStatus.FAILED
    assert "never reported back" in abandoned.last_error


def test_the_sweeper_task_delivers_what_it_requeues(workflow, editor, receiver, eager_tasks):
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()  # its message was lost
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(minutes=2))

    assert sweep_webhook_deliveries() == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.calls == 1


def test_the_sweeper_is_on_the_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["integrations.sweep_webhook_deliveries"]
    assert entry["task"] == sweep_webhook_deliveries.name
    assert entry["schedule"] == django_settings.WEBHOOK_SWEEP_INTERVAL


def test_an_editor_retries_a_failed_delivery_from_scratch(
    workflow, editor, receiver, eager_tasks, django_capture_on_commit_callbacks
):
    receiver.statuses = [410, 200]
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()
    deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_retry(actor=editor, delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert receiver.calls == 2


def test_only_failed_deliveries_are_retried_and_only_by_editors(workflow, editor, reviewer, receiver):
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()
    with pytest.raises(ValidationError, match="Only a failed delivery"):
        webhook_delivery_retry(actor=editor, delivery=delivery)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    with pytest.raises(PermissionDenied):
        webhook_delivery_retry(actor=reviewer, delivery=delivery)


# --- The tasks are bounded --------------------------------------------------------------------


def test_the_webhook_tasks_are_bounded_and_carry_ids_only():
    conf = celery_app.conf
    for task in (deliver_webhook, sweep_webhook_deliveries):
        assert task.max_retries <= 5
        assert task.name.startswith("integrations.")
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.task_soft_time_limit > django_settings.WEBHOOK_TIMEOUT
    # The longest countdown stays under half the visibility timeout (no duplicate deliveries by Redis).
    assert conf.broker_transport_options["visibility_timeout"] / 2 >= django_settings.WEBHOOK_RETRY_MAX_DELAY


# --- End to end, with a real worker ---------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_transition_retrying_a_500(workflow, editor, receiver):
    receiver.statuses = [500, 200]
    register(editor, receiver)
    claim = workflow.submitted()

    with running_worker(extra_env={"FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "WEBHOOK_RETRY_BASE_DELAY": "1"}):
        transition = accept(workflow, claim)  # commits; the delivery is queued after the commit
        delivery = deliveries_of(transition).get()
        deadline = timezone.now() + dt.timedelta(seconds=30)
        while delivery.status == DeliveryStatus.PENDING and timezone.now() < deadline:
            threading.Event().wait(0.2)
            delivery.refresh_from_db()

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 2, 200)
    assert receiver.calls == 2
    assert receiver.refused == []
    (payload,) = receiver.accepted
    assert payload["delivery"] == str(delivery.delivery_id)
    assert uuid.UUID(payload["delivery"])
    assert payload["claim"]["id"] == claim.pk


# --- The admin ------------------------------------------------------------------------------


def test_the_admin_shows_a_new_endpoints_secret_once(editor_client):
    response = editor_client.post(
        reverse("admin:integrations_webhookendpoint_add"),
        {
            "url": "https://hooks.example.org/cms",
            "description": "CMS",
            "events": ["claim.transitioned"],
            "is_active": "on",
        },
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(endpoint.secret in message for message in shown)
    # Never again: not on the change page, not in the list.
    change = editor_client.get(reverse("admin:integrations_webhookendpoint_change", args=[endpoint.pk]))
    assert change.status_code == 200
    assert endpoint.secret not in change.content.decode()
    assert (
        endpoint.secret
        not in editor_client.get(reverse("admin:integrations_webhookendpoint_changelist")).content.decode()
    )
    assert endpoint.created_by.username == "ed"


def test_the_admin_refuses_an_internal_address_next_to_the_field(editor_client):
    response = editor_client.post(
        reverse("admin:integrations_webhookendpoint_add"),
        {"url": "http://10.0.0.8/hook", "events": ["claim.transitioned"], "is_active": "on"},
    )
    assert response.status_code == 200
    assert "10.0.0.8" in str(response.context["adminform"].form.errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_deactivates_endpoints_and_rotates_secrets(editor_client, editor):
    endpoint, old_secret = webhook_endpoint_create(actor=editor, url="https://hooks.example.org/cms")
    changelist = reverse("admin:integrations_webhookendpoint_changelist")

    rotated = editor_client.post(
        changelist, {"action": "rotate_secret", "_selected_action": [endpoint.pk]}, follow=True
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret
    assert any(endpoint.secret in str(m) for m in rotated.context["messages"])

    editor_client.post(changelist, {"action": "deactivate", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_the_delivery_log_is_read_only_filterable_and_retries_failed_ones(
    workflow, editor, editor_client, receiver, eager_tasks, django_capture_on_commit_callbacks
):
    receiver.statuses = [410, 200]
    register(editor, receiver)
    delivery = deliveries_of(accept(workflow)).get()
    deliver_webhook(delivery.pk)
    changelist = reverse("admin:integrations_webhookdelivery_changelist")

    failed = editor_client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "HTTP 410 GONE" in failed
    assert editor_client.get(changelist, {"status__exact": "delivered"}).context["cl"].result_count == 0
    assert editor_client.get(changelist, {"event__exact": "claim.transitioned"}).context["cl"].result_count == 1
    assert editor_client.get(changelist, {"q": str(delivery.delivery_id)[:8]}).context["cl"].result_count == 1
    detail = editor_client.get(reverse("admin:integrations_webhookdelivery_change", args=[delivery.pk]))
    assert detail.status_code == 200
    assert "<pre>" in detail.content.decode()
    assert editor_client.get(reverse("admin:integrations_webhookdelivery_add")).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(changelist, {"action": "retry_now", "_selected_action": [delivery.pk]})

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


def test_the_worked_example_in_the_docs_verifies():
    """docs/webhooks.md shows a request and its secret; a receiver following the recipe accepts it."""
    from pathlib import Path

    text = (Path(django_settings.BASE_DIR) / "docs" / "webhooks.md").read_text()
    request = text.split("POST /hooks/corroborate HTTP/1.1\n", 1)[1].split("\n```", 1)[0]
    head, body = request.split("\n\n", 1)
    headers = dict(line.split(": ", 1) for line in head.splitlines())
    payload = verify("crb_whsec_example", headers, body.encode(), tolerance=10**10)
    assert payload["transition"]["name"] == "publish"
    assert webhooks.body_of(payload) == body.encode()  # the bytes sent are the documented form


def test_a_name_that_stops_resolving_is_retried(workflow, editor, dns):
    webhook_endpoint_create(actor=editor, url="https://hooks.example.org/cms")
    delivery = deliveries_of(accept(workflow)).get()
    del dns["hooks.example.org"]

    assert webhook_delivery_attempt(delivery.pk).status == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert "could not be resolved" in delivery.last_error
