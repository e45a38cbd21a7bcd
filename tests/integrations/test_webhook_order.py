"""Deliveries for one claim to one endpoint go out in the claim's order of events: a
later one waits while an earlier one is pending (queued or retrying); once that one ends
delivered or failed the next goes, and a failed one shows as a gap in `sequence`.
Other claims and other endpoints do not wait (docs/webhooks.md, "Order")."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_httpserver import HTTPServer

from claims.models import Claim
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from integrations.services import webhook_deliveries_due, webhook_delivery_attempt, webhook_endpoint_create
from integrations.tasks import deliver_webhook
from reviews.services import transition_take
from reviews.workflow import TransitionName
from tests.integrations.conftest import Receiver
from tests.worker import running_worker

pytestmark = pytest.mark.django_db


def register(editor: Any, receiver: Receiver, path: str = "/hooks/corroborate") -> WebhookEndpoint:
    url = receiver.server.url_for(path)
    endpoint, receiver.secret = webhook_endpoint_create(actor=editor, url=url, description="CMS")
    return endpoint


def reject_restore_accept(workflow: Any, claim: Claim) -> list[int]:
    """Three transitions of one claim, in this order: its sequence numbers 1, 2, 3."""
    editor = workflow.editor
    transition_take(actor=editor, claim=claim, name=TransitionName.REJECT, reason="not_check_worthy")
    transition_take(actor=editor, claim=claim, name=TransitionName.RESTORE)
    transition_take(actor=editor, claim=claim, name=TransitionName.ACCEPT, note="Worth checking after all.")
    return list(WebhookDelivery.objects.filter(claim=claim).order_by("sequence").values_list("pk", flat=True))


def delivery(pk: int) -> WebhookDelivery:
    return WebhookDelivery.objects.get(pk=pk)


def make_due(pk: int) -> None:
    WebhookDelivery.objects.filter(pk=pk).update(next_attempt_at=timezone.now())  # time passes


def sequences(payloads: list[dict[str, Any]]) -> list[int]:
    return [payload["sequence"] for payload in payloads]


def test_every_payload_carries_its_claims_sequence_number(workflow, editor, receiver, eager_tasks):
    register(editor, receiver)
    claim = workflow.submitted()
    first, second, third = reject_restore_accept(workflow, claim)
    for pk in (first, second, third):
        deliver_webhook(pk)
    assert sequences(receiver.accepted) == [1, 2, 3]
    assert [p["transition"]["name"] for p in receiver.accepted] == ["reject", "restore", "accept"]


def test_a_later_delivery_waits_while_an_earlier_one_is_retrying_then_follows_it(
    workflow, editor, receiver, eager_tasks
):
    receiver.statuses = [500, 200]
    register(editor, receiver)
    first, second, third = reject_restore_accept(workflow, workflow.submitted())

    # The later ones' messages arrive first: they wait, nothing is sent.
    assert webhook_delivery_attempt(third).status == ""
    assert webhook_delivery_attempt(second).status == ""
    assert receiver.calls == 0
    assert (delivery(second).attempts, delivery(third).attempts) == (0, 0)

    assert webhook_delivery_attempt(first).status == DeliveryStatus.PENDING  # answered 500: retrying
    assert webhook_delivery_attempt(second).status == ""  # still waits for the retry
    assert receiver.calls == 1

    make_due(first)
    deliver_webhook(first)  # delivered; it wakes the second, which wakes the third

    assert [delivery(pk).status for pk in (first, second, third)] == [DeliveryStatus.DELIVERED] * 3
    assert sequences(receiver.received) == [1, 1, 2, 3]
    assert sequences(receiver.accepted) == [1, 2, 3]


def test_a_receiver_down_while_a_claim_changes_gets_every_event_once_in_order_when_back(workflow, editor, receiver):
    register(editor, receiver)
    receiver.server.stop()  # its port now refuses connections
    try:
        first, second, third = reject_restore_accept(workflow, workflow.submitted())
        assert webhook_delivery_attempt(first).status == DeliveryStatus.PENDING
        assert delivery(first).last_error.startswith("Could not connect to 127.0.0.1")
        assert [webhook_delivery_attempt(pk).status for pk in (second, third)] == ["", ""]  # waiting behind it
    finally:
        receiver.server.start()  # on the same port
    make_due(first)
    assert webhook_delivery_attempt(first).next_in_line == second
    assert webhook_delivery_attempt(second).next_in_line == third
    assert webhook_delivery_attempt(third).status == DeliveryStatus.DELIVERED
    assert sequences(receiver.accepted) == [1, 2, 3]
    assert [delivery(pk).attempts for pk in (first, second, third)] == [2, 1, 1]


def test_the_attempt_that_ends_a_delivery_names_the_next_in_line(workflow, editor, receiver):
    register(editor, receiver)
    first, second, third = reject_restore_accept(workflow, workflow.submitted())
    assert webhook_delivery_attempt(first).next_in_line == second
    assert webhook_delivery_attempt(second).next_in_line == third
    assert webhook_delivery_attempt(third).next_in_line is None


def test_a_delivery_that_fails_for_good_lets_the_next_go_and_the_gap_shows(workflow, editor, receiver, eager_tasks):
    receiver.statuses = [410, 200]  # Gone: failed at once, no retry
    register(editor, receiver)
    first, second, third = reject_restore_accept(workflow, workflow.submitted())

    deliver_webhook(first)

    assert [delivery(pk).status for pk in (first, second, third)] == [
        DeliveryStatus.FAILED,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DELIVERED,
    ]
    assert sequences(receiver.received) == [1, 2, 3]
    assert sequences(receiver.accepted) == [2, 3]  # the receiver never got 1: a gap before 2


def test_a_delivery_that_runs_out_of_attempts_lets_the_next_go(workflow, editor, receiver, eager_tasks, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [503, 503, 200]
    register(editor, receiver)
    first, second, _third = reject_restore_accept(workflow, workflow.submitted())

    assert webhook_delivery_attempt(first).status == DeliveryStatus.PENDING
    assert webhook_delivery_attempt(second).status == ""
    make_due(first)
    deliver_webhook(first)  # the second 503 is its last attempt

    failed = delivery(first)
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 2)
    assert "Gave up after 2 attempts" in failed.last_error
    assert sequences(receiver.received) == [1, 1, 2, 3]
    assert sequences(receiver.accepted) == [2, 3]


def test_other_claims_and_other_endpoints_do_not_wait(workflow, editor, receiver, httpserver: HTTPServer):
    receiver.statuses = [500, 200]
    cms = register(editor, receiver)
    other = Receiver(httpserver)
    httpserver.expect_request("/hooks/other", method="POST").respond_with_handler(other)
    bot = register(editor, other, "/hooks/other")
    claim, unrelated = workflow.submitted(), workflow.submitted(statement="Another claim entirely.")
    transition_take(actor=editor, claim=claim, name=TransitionName.REJECT, reason="not_check_worthy")
    transition_take(actor=editor, claim=claim, name=TransitionName.RESTORE)
    transition_take(actor=editor, claim=unrelated, name=TransitionName.ACCEPT)

    def of(c: Claim, endpoint: WebhookEndpoint, sequence: int) -> int:
        return WebhookDelivery.objects.get(claim=c, endpoint=endpoint, sequence=sequence).pk

    assert webhook_delivery_attempt(of(claim, cms, 1)).status == DeliveryStatus.PENDING  # 500: retrying
    # The same claim's next event waits for the CMS, not for the bot…
    assert webhook_delivery_attempt(of(claim, cms, 2)).status == ""
    assert webhook_delivery_attempt(of(claim, bot, 1)).status == DeliveryStatus.DELIVERED
    assert webhook_delivery_attempt(of(claim, bot, 2)).status == DeliveryStatus.DELIVERED
    # …and another claim's event does not wait for this claim's at all.
    assert webhook_delivery_attempt(of(unrelated, cms, 1)).status == DeliveryStatus.DELIVERED

    assert [(p["claim"]["id"], p["sequence"]) for p in other.accepted] == [(claim.pk, 1), (claim.pk, 2)]
    assert [(p["claim"]["id"], p["sequence"]) for p in receiver.accepted] == [(unrelated.pk, 1)]


def test_the_sweeper_leaves_a_waiting_delivery_to_the_one_it_waits_for(workflow, editor, receiver):
    register(editor, receiver)
    first, second, third = reject_restore_accept(workflow, workflow.submitted())
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=[first, second, third]).update(next_attempt_at=now - dt.timedelta(minutes=5))

    assert webhook_deliveries_due(now=now) == [first]

    # The first's final attempt never reported back: the sweep closes it as failed, and
    # the second, no longer waiting, is due in the same sweep.
    WebhookDelivery.objects.filter(pk=first).update(attempts=django_settings.WEBHOOK_MAX_ATTEMPTS)
    assert webhook_deliveries_due(now=now) == [second]
    assert delivery(first).status == DeliveryStatus.FAILED


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_one_claims_events_in_order_across_a_retry(workflow, editor, receiver):
    receiver.statuses = [500, 200]
    register(editor, receiver)
    claim = workflow.submitted()
    env = {"FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "WEBHOOK_RETRY_BASE_DELAY": "1"}

    with running_worker(concurrency=2, extra_env=env):
        pks = reject_restore_accept(workflow, claim)  # each queued as its transition commits
        deadline = timezone.now() + dt.timedelta(seconds=60)
        while WebhookDelivery.objects.filter(pk__in=pks, status=DeliveryStatus.PENDING).exists():
            assert timezone.now() < deadline, "the deliveries did not finish"
            threading.Event().wait(0.2)

    assert [delivery(pk).status for pk in pks] == [DeliveryStatus.DELIVERED] * 3
    assert sequences(receiver.received) == [1, 1, 2, 3]
    assert sequences(receiver.accepted) == [1, 2, 3]
