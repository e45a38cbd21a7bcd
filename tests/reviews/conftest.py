from __future__ import annotations

from typing import Any

import pytest

from claims.models import Claim, Rating
from core.roles import EDITOR, REVIEWER
from reviews.services import review_create, transition_take
from reviews.workflow import TransitionName
from tests.factories import ArticleFactory, UserFactory, make_anonymous_claim, make_claim


@pytest.fixture
def editor2(roles):
    return UserFactory(username="ed2", role=EDITOR)


@pytest.fixture
def reviewer2(roles):
    return UserFactory(username="rev2", role=REVIEWER)


@pytest.fixture
def ratings(default_scale) -> dict[str, Rating]:
    return {r.value: r for r in default_scale.ratings.all()}


class Workflow:
    """Puts claims into a state through real transitions, for the tests."""

    def __init__(self, editor: Any, reviewer: Any, ratings: dict[str, Rating]) -> None:
        self.editor, self.reviewer, self.ratings = editor, reviewer, ratings

    def submitted(self, *, anonymous: bool = False, **fields: Any) -> Claim:
        return (make_anonymous_claim if anonymous else make_claim)(actor=self.reviewer, **fields)

    def researching(self, **fields: Any) -> Claim:
        claim = self.submitted(**fields)
        transition_take(actor=self.editor, claim=claim, name=TransitionName.ACCEPT, assignee=self.reviewer)
        return claim

    def draft(self, claim: Claim, *, author: Any = None, rating: str = "true", **fields: Any):
        return review_create(
            actor=author or self.reviewer,
            claim=claim,
            rating=self.ratings[rating],
            rationale=fields.pop("rationale", "Checked against the official record."),
            evidence_urls=fields.pop("evidence_urls", ["https://records.example/treaty"]),
            evidence_articles=fields.pop("evidence_articles", [ArticleFactory()]),
            **fields,
        )

    def in_review(self, *, author: Any = None, **fields: Any) -> Claim:
        claim = self.researching(**fields)
        self.draft(claim, author=author)
        transition_take(actor=author or self.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
        return claim

    def published(self, **fields: Any) -> Claim:
        claim = self.in_review(**fields)
        transition_take(actor=self.editor, claim=claim, name=TransitionName.PUBLISH)
        return claim

    def rejected(self, **fields: Any) -> Claim:
        claim = self.submitted(**fields)
        transition_take(actor=self.editor, claim=claim, name=TransitionName.REJECT, reason="not_check_worthy")
        return claim


@pytest.fixture
def workflow(editor, reviewer, ratings) -> Workflow:
    return Workflow(editor, reviewer, ratings)
