"""The API shows claims through claims.shape, which reads rows: its answer must be, byte
for byte, what ClaimSerializer (the documented shape) answers for the same claims."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from claims.models import Attribution, Claim, ContentKind, Status
from claims.serializers import ClaimSerializer
from claims.shape import claim_rows, claim_shapes
from tests.factories import ArticleFactory, SourceFactory, complete_caveats, force_status, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(workflow, editor):
    """Claims of every kind the shape has to get right."""
    outlet_story, other_story = ArticleFactory(), ArticleFactory()
    claims = [
        # Named claimant only; every workflow status, through the workflow.
        workflow.submitted(),
        workflow.researching(tags=["harbour", "grain"], made_on=dt.date(2026, 3, 8)),
        workflow.in_review(),
        workflow.published(first_appearance=outlet_story, appearances=[outlet_story, other_story]),
        workflow.rejected(),
        # An anonymous claimant with a complete caveat record, one with an incomplete one.
        workflow.in_review(anonymous=True),
        make_claim(
            statement="Officials said the convoy was turned back.",
            claimant=SourceFactory(anonymous=True),
            claimant_fields={"attribution_text": "an official", "sources_claimed": 3},
        ),
        # Several attributions: an anonymous opinion (overridden), a named supporter, an
        # anonymous one with nothing recorded, an on-the-record response.
        make_claim(
            statement="The ministry misled parliament.",
            claimant=SourceFactory(anonymous=True),
            claimant_fields=complete_caveats(content_type=ContentKind.OPINION),
            others=[
                {"source": SourceFactory(), "role": "supports", "quote": "It is true.", "said_on": dt.date(2026, 3, 1)},
                {"source": SourceFactory(anonymous=True), "role": "disputes", "attribution_text": "a diplomat"},
                {
                    "source": SourceFactory(anonymous=True),
                    "role": "supports",
                    **complete_caveats(content_type=ContentKind.SPECULATION, sources_claimed=None),
                },
                {"source": SourceFactory(), "role": "responds", "response": "denies"},
            ],
            priority=4,
        ),
    ]
    force_status(claims[0], Status.SUBMITTED, recheck_on=dt.date(2026, 4, 1))
    Attribution.objects.filter(claim=claims[-1], role="claimant").update(
        warnings_override_reason="Cleared by the standards editor."
    )
    # No attributions at all: the database allows it only until its deferred check runs,
    # so the claimant is given back before the test ends. The shape must not depend on one.
    bare = make_claim(statement="A claim whose attributions are gone.")
    Attribution.objects.filter(claim=bare).delete()
    claims.append(bare)
    yield claims
    Attribution.objects.create(claim=bare, source=SourceFactory(), role="claimant")


def serialized(claims, reads_unpublished: bool) -> str:
    context = {"reads_unpublished": reads_unpublished}
    return json.dumps([ClaimSerializer(claim, context=context).data for claim in claims], ensure_ascii=False)


@pytest.mark.parametrize("reads_unpublished", [True, False])
def test_the_shape_is_exactly_what_the_serializer_answers(varied, reads_unpublished):
    claims = Claim.objects.filter(pk__in=[c.pk for c in varied]).order_by("pk")
    shown = claim_shapes(claim_rows(claims), reads_unpublished=reads_unpublished)
    assert json.dumps(shown, ensure_ascii=False) == serialized(claims.for_api(), reads_unpublished)
    # The claims cover what they should: every status, warnings, overrides, no attributions.
    assert {c["status"] for c in shown} == set(Status.values)
    attributions = [a for c in shown for a in c["attributions"]]
    assert {w["code"] for a in attributions for w in a["warnings"]} == {"anonymous_opinion", "caveats_incomplete"}
    assert any(a["warnings_overridden"] for a in attributions)
    assert any(not c["attributions"] for c in shown)
    assert any(c["rests_on_anonymous_sourcing"] for c in shown)
    assert any(c["assignee"] for c in shown) == reads_unpublished


def test_the_api_answers_what_the_serializer_answers(varied, callers):
    for who, reads_unpublished in (("write_token_editor", True), ("anonymous", False)):
        caller = callers[who]
        listed = caller.get("/api/v1/claims/", page_size=100).json()["results"]
        visible = Claim.objects.filter(pk__in=[c["id"] for c in listed]).for_api().order_by("-updated_at", "-pk")
        assert json.dumps(listed, ensure_ascii=False) == serialized(visible, reads_unpublished), who
        for claim in visible:
            one = caller.get(f"/api/v1/claims/{claim.pk}/").json()
            assert json.dumps(one, ensure_ascii=False) == serialized([claim], reads_unpublished)[1:-1]
