"""Races are settled by the database: people acting on the same version over separate
connections — exactly one wins, the others are told who did, and nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from claims.models import Claim
from claims.services import StaleVersion, claim_update
from reviews.models import Transition
from reviews.services import transition_take
from reviews.workflow import TransitionName
from tests.factories import UserFactory, make_claim

pytestmark = [pytest.mark.django_db(transaction=True)]


def race(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run the actions at the same moment, each in its own thread with its own database
    connection; return each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(i: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except Exception as exc:  # the losers' errors are the point of the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def editors(roles):
    return [UserFactory(username=f"desk{n}", role="editor") for n in range(10)]


def test_two_editors_acting_on_the_same_version_one_wins(editors):
    claim = make_claim()
    seen = claim.version
    accept = lambda: transition_take(actor=editors[0], claim=claim, name=TransitionName.ACCEPT, version=seen)  # noqa: E731
    reject = lambda: transition_take(  # noqa: E731
        actor=editors[1], claim=claim, name=TransitionName.REJECT, version=seen, reason="not_check_worthy"
    )
    results = race([accept, reject])

    winners = [r for r in results if isinstance(r, Transition)]
    losers = [r for r in results if isinstance(r, StaleVersion)]
    assert (len(winners), len(losers)) == (1, 1), results
    claim.refresh_from_db()
    assert claim.status == winners[0].to_status
    assert claim.version == seen + 1
    assert Transition.objects.filter(claim=claim).count() == 1
    assert losers[0].current_version == seen + 1
    assert f"changed by {winners[0].actor.username}" in str(losers[0])


@pytest.mark.parametrize("trial", range(5))
def test_ten_concurrent_transitions_on_one_version_exactly_one_applies(editors, trial):
    claim = make_claim(statement=f"Trial {trial}.")
    seen = claim.version
    results = race(
        [lambda e=e: transition_take(actor=e, claim=claim, name=TransitionName.ACCEPT, version=seen) for e in editors]
    )
    assert sum(isinstance(r, Transition) for r in results) == 1
    assert sum(isinstance(r, StaleVersion) for r in results) == 9
    assert Transition.objects.filter(claim=claim).count() == 1
    assert Claim.objects.get(pk=claim.pk).version == seen + 1


def test_concurrent_edits_keep_the_winners_text(editors):
    claim = make_claim()
    seen = claim.version
    results = race(
        [
            lambda n=n: claim_update(
                actor=editors[n], claim=Claim.objects.get(pk=claim.pk), version=seen, context=f"Context by desk{n}."
            )
            for n in range(4)
        ]
    )
    winners = [r for r in results if isinstance(r, Claim)]
    assert len(winners) == 1
    assert sum(isinstance(r, StaleVersion) for r in results) == 3
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.context == winners[0].context
    assert stored.version == seen + 1
