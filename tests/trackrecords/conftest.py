"""Hand-made histories: claims published, corrected and withdrawn through the real
workflow, with the track records refreshed as the after-commit task would."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from claims.models import Claim
from reviews.models import APConditions
from reviews.services import sourcing_sign_off, transition_take
from reviews.workflow import TransitionName
from sources.models import Outlet, Source
from tests.factories import ArticleFactory, OutletFactory, SourceFactory, complete_caveats, make_claim
from tests.reviews.conftest import Workflow
from trackrecords.services import track_records_refresh

_numbers = itertools.count(1)
ALL_CONDITIONS: APConditions = {
    "information_not_opinion": True,
    "not_obtainable_on_record": True,
    "source_in_position_to_know": True,
    "reason_stated": True,
}


class History:
    def __init__(self, workflow: Any) -> None:
        self.workflow = workflow
        self.editor, self.reviewer = workflow.editor, workflow.reviewer

    def recorded(
        self,
        *,
        outlet: Outlet | None,
        claimant: Source | None = None,
        wording: str = "",
        granted_by: Outlet | None = None,
        others: list[dict[str, Any]] | None = None,
        made_on: dt.date | None = None,
    ) -> Claim:
        n = next(_numbers)
        claimant = claimant or SourceFactory.create()
        fields = {}
        if claimant.is_anonymous:
            fields = complete_caveats(attribution_text=wording or claimant.name, granted_by=granted_by or outlet)
        return make_claim(
            actor=self.reviewer,
            statement=f"Claim number {n} happened as reported.",
            claimant=claimant,
            claimant_fields=fields,
            others=others,
            first_appearance=ArticleFactory.create(outlet=outlet) if outlet is not None else None,
            made_on=made_on,
        )

    def publish(self, claim: Claim, rating: str) -> Claim:
        transition_take(actor=self.editor, claim=claim, name=TransitionName.ACCEPT, assignee=self.reviewer)
        return self.republish(claim, rating)

    def republish(self, claim: Claim, rating: str) -> Claim:
        extra = {"recheck_on": dt.date(2026, 6, 1)} if rating == "unproven" else {}
        self.workflow.draft(claim, rating=rating, **extra)
        transition_take(actor=self.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
        claim.refresh_from_db()
        if claim.rests_on_anonymous_sourcing:
            sourcing_sign_off(actor=self.editor, claim=claim, **ALL_CONDITIONS)
        transition_take(actor=self.editor, claim=claim, name=TransitionName.PUBLISH)
        track_records_refresh(claim_ids=[claim.pk])
        claim.refresh_from_db()
        return claim

    def published(self, rating: str, **fields: Any) -> Claim:
        return self.publish(self.recorded(**fields), rating)

    def reopen(self, claim: Claim) -> Claim:
        transition_take(actor=self.editor, claim=claim, name=TransitionName.REOPEN, note="The figure was wrong.")
        track_records_refresh(claim_ids=[claim.pk])
        claim.refresh_from_db()
        return claim


@pytest.fixture
def ratings(default_scale) -> dict[str, Any]:
    return {r.value: r for r in default_scale.ratings.all()}


@pytest.fixture
def workflow(editor, reviewer, ratings) -> Workflow:
    return Workflow(editor, reviewer, ratings)


@pytest.fixture
def history(workflow) -> History:
    return History(workflow)


@pytest.fixture
def outlet() -> Outlet:
    return OutletFactory.create(name="Harbor City Times")


@pytest.fixture
def other_outlet() -> Outlet:
    return OutletFactory.create(name="Lakeside Gazette")
