"""Published claims keep their coverage honest: new articles are matched to every claim
that is not rejected, published ones included; what arrives after publishing is flagged
to editors (a badge and a dashboard queue) until a reviewer confirms it or the verdict is
published again; and an article a search for one claim already grouped is still matched
to the other claims when it arrives."""

import pytest
from django.urls import reverse

from claims.models import Claim
from corroboration import pipeline
from corroboration.models import ArticleMatching, Coverage, Job, JobKind, claims_with_new_coverage
from corroboration.services import coverage_confirm, coverage_match, coverage_publication_seen, job_claim, job_finish
from corroboration.tasks import match_new_articles
from tests.corroboration.corpus import store_corpus
from tests.corroboration.test_matching import STATEMENT
from tests.corroboration.test_pipeline import claim  # noqa: F401 - a fixture
from tests.factories import force_status, make_claim

pytestmark = pytest.mark.django_db


def run_matching(django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks():
        match_new_articles()
    job = Job.objects.filter(kind=JobKind.MATCH_ARTICLES).latest("pk")
    claimed = job_claim(job.pk)
    assert claimed is not None
    job_finish(claimed, counts=pipeline.run(claimed))
    job.refresh_from_db()
    return job


def test_coverage_of_a_published_claim_is_found_and_flagged_for_editors(
    claim,  # noqa: F811
    editor,
    reviewer,
    client,
    django_capture_on_commit_callbacks,
):
    rejected = make_claim(statement=STATEMENT)
    force_status(claim, "published")
    force_status(rejected, "rejected")
    store_corpus()
    job = run_matching(django_capture_on_commit_callbacks)
    assert job.counts["related"] == 8
    assert Coverage.objects.filter(claim=claim, new_since_publication=True).count() == 8
    assert not Coverage.objects.filter(claim=rejected).exists()
    assert list(claims_with_new_coverage(Claim.objects.all())) == [claim]

    client.force_login(editor)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "New coverage since publication" in dashboard
    assert reverse("claims:detail", args=[claim.pk]) in dashboard
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "8 pages found after the verdict was published" in page

    for item in Coverage.objects.filter(claim=claim):
        coverage_confirm(actor=reviewer, coverage=item, stance=item.suggested_stance)
    assert not claims_with_new_coverage(Claim.objects.all()).exists()


def test_publishing_again_takes_the_new_coverage_into_the_verdict(claim):  # noqa: F811
    force_status(claim, "published")
    claim.refresh_from_db()
    store_corpus()
    coverage_match(claim)
    assert claims_with_new_coverage(Claim.objects.all()).exists()
    assert coverage_publication_seen(claim) == 8
    assert not claims_with_new_coverage(Claim.objects.all()).exists()


def test_coverage_found_before_publication_is_not_flagged(claim):  # noqa: F811
    store_corpus()
    coverage_match(claim)
    force_status(claim, "published")
    claim.refresh_from_db()
    coverage_match(claim)
    assert not Coverage.objects.filter(new_since_publication=True).exists()


def test_articles_a_search_for_one_claim_grouped_are_still_matched_to_the_others(
    claim,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    other = make_claim(statement="Russia and Iran agreed to expand oil and gas swaps.")
    store_corpus()
    coverage_match(other)  # a search for the other claim groups every page it looked at
    assert not Coverage.objects.filter(claim=claim).exists()
    job = run_matching(django_capture_on_commit_callbacks)
    assert job.counts["articles"] == 13
    assert Coverage.objects.filter(claim=claim).count() == 8
    assert ArticleMatching.objects.filter(finished_at__isnull=False).count() == 13
    with django_capture_on_commit_callbacks():
        assert match_new_articles() == 0  # matched now: nothing due
