"""Track records computed on hand-made histories: published verdicts only, a corrected
verdict as it stands now, a withdrawn one nowhere, each claim once per record, small
samples too few to judge — and every count traceable to the verdicts behind it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from claims.models import AttributionRole
from reviews.services import transition_take
from reviews.workflow import TransitionName
from tests.factories import SourceFactory, complete_caveats
from trackrecords.models import RecordKind, TrackRecord, TrackRecordEntry
from trackrecords.services import reliability_suggestion, source_reliability_accept, track_records_rebuild

pytestmark = pytest.mark.django_db


def counts(record: TrackRecord | None, part: str = "all") -> dict[str, int]:
    assert record is not None
    return {r.value: r.count for r in getattr(record, part).by_rating}


def test_an_outlet_counts_the_claims_it_first_published_by_their_verdict(history, outlet, other_outlet):
    for rating in ("true", "true", "mostly_true", "false", "unproven"):
        history.published(rating, outlet=outlet)
    history.published("false", outlet=other_outlet)
    history.recorded(outlet=outlet)  # not published: counts nowhere
    record = TrackRecord.objects.of_outlet(outlet)
    assert counts(record) == {"true": 2, "mostly_true": 1, "false": 1, "unproven": 1}
    assert (record.all.claims, record.all.judged, record.all.too_few_to_judge) == (5, 4, True)
    assert counts(TrackRecord.objects.of_outlet(other_outlet)) == {"false": 1}


def test_claims_resting_on_anonymous_sources_are_counted_apart(history, outlet):
    history.published("true", outlet=outlet)
    history.published("false", outlet=outlet, claimant=SourceFactory(anonymous=True))
    named_claimant_anonymous_support = history.recorded(
        outlet=outlet,
        others=[
            {
                "source": SourceFactory(anonymous=True, name="people familiar with the talks"),
                "role": AttributionRole.SUPPORTS,
                **complete_caveats(attribution_text="people familiar with the talks"),
            }
        ],
    )
    history.publish(named_claimant_anonymous_support, "mostly_false")
    record = TrackRecord.objects.of_outlet(outlet)
    assert counts(record) == {"true": 1, "mostly_false": 1, "false": 1}
    assert counts(record, "anonymous") == {"mostly_false": 1, "false": 1}


def test_a_corrected_verdict_counts_as_it_stands_now(history, outlet):
    claim = history.published("false", outlet=outlet)
    history.reopen(claim)
    assert TrackRecord.objects.of_outlet(outlet) is None  # withdrawn and not yet republished: nowhere
    history.republish(claim, "mostly_true")
    record = TrackRecord.objects.of_outlet(outlet)
    assert counts(record) == {"mostly_true": 1}
    (entry,) = record.entries.all()
    assert entry.review == claim.reviews.current_verdicts().get()  # the verdict it counts with, traceable


def test_a_withdrawn_verdict_leaves_every_record_it_was_in(history, outlet):
    source = SourceFactory()
    kept = history.published("true", outlet=outlet, claimant=source)
    withdrawn = history.published("false", outlet=outlet, claimant=source)
    history.reopen(withdrawn)
    assert counts(TrackRecord.objects.of_outlet(outlet)) == {"true": 1}
    assert counts(TrackRecord.objects.of_source(source)) == {"true": 1}
    assert set(TrackRecordEntry.objects.values_list("claim", flat=True)) == {kept.pk}


def test_a_source_counts_the_claims_it_made_or_supported_each_once(history, outlet):
    source = SourceFactory(name="Oleh Kiper")
    history.published("true", outlet=outlet, claimant=source)
    supported = history.recorded(outlet=outlet, others=[{"source": source, "role": AttributionRole.SUPPORTS}])
    history.publish(supported, "mostly_true")
    # Claimant and supporter of the same claim: one claim, counted once.
    both = history.recorded(
        outlet=outlet, claimant=source, others=[{"source": source, "role": AttributionRole.SUPPORTS}]
    )
    history.publish(both, "false")
    disputed = history.recorded(outlet=outlet, others=[{"source": source, "role": AttributionRole.DISPUTES}])
    history.publish(disputed, "false")  # disputing a claim is not making it
    assert counts(TrackRecord.objects.of_source(source)) == {"true": 1, "mostly_true": 1, "false": 1}


def test_anonymous_descriptors_group_by_wording_within_the_outlet_that_granted_them(history, outlet, other_outlet):
    def anonymous(wording: str, rating: str, at=outlet) -> None:
        history.published(
            rating, outlet=at, claimant=SourceFactory(anonymous=True, name=wording), wording=wording, granted_by=at
        )

    anonymous("two officials familiar with U.S. intelligence", "true")
    anonymous("officials familiar with US intelligence", "false")
    anonymous("an official familiar with American intelligence", "mostly_false")
    anonymous("a senior Pentagon official", "true")
    anonymous("officials familiar with U.S. intelligence", "true", at=other_outlet)
    groups = {r.label: r for r in TrackRecord.objects.descriptors_at(outlet)}
    assert len(groups) == 2
    intelligence = next(r for r in groups.values() if "intelligence" in r.label)
    assert counts(intelligence) == {"true": 1, "mostly_false": 1, "false": 1}
    assert {text for text, _ in intelligence.wordings} == {
        "two officials familiar with U.S. intelligence",
        "officials familiar with US intelligence",
        "an official familiar with American intelligence",
    }
    assert counts(TrackRecord.objects.descriptors_at(other_outlet).get()) == {"true": 1}


def test_a_rebuild_from_scratch_gives_the_counts_kept_along_the_way(history, outlet):
    source = SourceFactory()
    for rating in ("true", "false", "mostly_true", "unproven", "half_true", "true"):
        history.published(rating, outlet=outlet, claimant=source)
    history.reopen(history.published("false", outlet=outlet, claimant=source))
    kept = {(r.kind, r.outlet_id, r.source_id, r.descriptor): r.summary for r in TrackRecord.objects.all()}
    TrackRecord.objects.all().delete()
    track_records_rebuild()
    rebuilt = {(r.kind, r.outlet_id, r.source_id, r.descriptor): r.summary for r in TrackRecord.objects.all()}
    assert rebuilt == kept
    record = TrackRecord.objects.of_outlet(outlet)
    assert (record.all.claims, record.all.judged, record.all.true_share) == (6, 5, 0.6)


def test_publishing_and_reopening_ask_for_the_records_after_commit(
    workflow, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    sent: list[tuple[str, tuple[object, ...]]] = []
    monkeypatch.setattr("reviews.services.task_send", lambda name, *args, **kw: sent.append((name, args)))
    claim = workflow.in_review()
    with django_capture_on_commit_callbacks(execute=True):
        transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)
    assert ("trackrecords.refresh_claim", (claim.pk,)) in sent
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition_take(actor=workflow.editor, claim=claim, name=TransitionName.REOPEN, note="Wrong date.")
    assert ("trackrecords.refresh_claim", (claim.pk,)) in sent
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition_take(actor=workflow.editor, claim=workflow.submitted(), name=TransitionName.ACCEPT)
    assert "trackrecords.refresh_claim" not in [name for name, _ in sent]


def test_an_editor_accepts_the_suggested_grade_through_the_sources_service(history, outlet, reviewer, editor):
    source = SourceFactory(name="Dmitry Peskov")
    for rating in ("true", "true", "mostly_true", "true", "false"):
        history.published(rating, outlet=outlet, claimant=source)
    with pytest.raises(PermissionDenied):
        source_reliability_accept(actor=reviewer, source=source)
    suggestion = source_reliability_accept(actor=editor, source=source)
    source.refresh_from_db()
    assert (suggestion.grade, source.reliability) == ("C", "C")
    assert "4 were rated true or mostly true (80%) and 1 false or mostly false (20%)" in source.reliability_note
    assert source.events.filter(reliability="C").exists()  # in the history, like any editor's change


def test_a_source_with_too_few_verdicts_is_suggested_f(history, outlet):
    source = SourceFactory()
    history.published("true", outlet=outlet, claimant=source)
    assert reliability_suggestion(source).grade == "F"
    assert reliability_suggestion(SourceFactory(name="Nobody")).grade == "F"
    assert TrackRecord.objects.filter(kind=RecordKind.OUTLET).count() == 1
