"""The coverage section of the claim page: the ledger, confirm buttons, "find coverage
now", adding coverage by URL — each through the services, none fetching in the request."""

import ipaddress

import pytest
from django.urls import reverse

from corroboration.models import Coverage, Job, JobKind
from corroboration.services import coverage_match
from sources import netguard
from tests.corroboration.corpus import store_corpus
from tests.corroboration.test_pipeline import claim  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(claim):  # noqa: F811
    store_corpus()
    coverage_match(claim)
    return claim


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_the_claim_page_shows_the_ledger_and_the_coverage(reviewer_client, matched):
    page = reviewer_client.get(reverse("claims:detail", args=[matched.pk])).content.decode()
    for text in (
        "Coverage and corroboration",
        "Independent confirmations",
        "Syndicated copies — the same story republished",
        "Echoes — re-citing another outlet",
        "re-cites The Associated Press",
        "State-controlled",
        'Suggested information credibility: <span class="grade">2</span>',
    ):
        assert text in page
    assert "Russia and Iran agree to expand oil and gas swaps" not in page  # unrelated: absent


def test_a_reviewer_confirms_a_stance_with_htmx(reviewer_client, matched, reviewer):
    item = Coverage.objects.get(claim=matched, independence="echo")
    response = reviewer_client.post(
        reverse("corroboration:stance", args=[matched.pk, item.pk]), {"stance": "mentions"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="coverage"' in response.content.decode()
    item.refresh_from_db()
    assert (item.stance, item.confirmed_by) == ("mentions", reviewer)


def test_find_coverage_starts_one_job_and_shows_its_progress(
    reviewer_client, matched, django_capture_on_commit_callbacks
):
    url = reverse("corroboration:find", args=[matched.pk])
    with django_capture_on_commit_callbacks(execute=False):
        response = reviewer_client.post(url, HTTP_HX_REQUEST="true")
        reviewer_client.post(url, HTTP_HX_REQUEST="true")
    job = Job.objects.get(kind=JobKind.FIND_COVERAGE)
    page = response.content.decode()
    assert "<progress" in page
    assert reverse("corroboration:job", args=[matched.pk, job.pk]) in page
    progress = reviewer_client.get(reverse("corroboration:job", args=[matched.pk, job.pk]))
    assert "Waiting for a worker" in progress.content.decode()

    Job.objects.filter(pk=job.pk).update(status="done", progress=100)
    finished = reviewer_client.get(reverse("corroboration:job", args=[matched.pk, job.pk]))
    assert finished["HX-Retarget"] == "#coverage"
    assert "Independent confirmations" in finished.content.decode()


def test_a_pasted_url_is_checked_at_once_and_fetched_in_a_job(
    reviewer_client, matched, django_capture_on_commit_callbacks, monkeypatch
):
    # Every name resolves to one public address (nothing is sent to it: the job is not run).
    monkeypatch.setattr(netguard, "system_resolve", lambda host, port: [ipaddress.ip_address("93.184.215.14")])
    url = reverse("corroboration:add_url", args=[matched.pk])
    refused = reviewer_client.post(url, {"url": "http://127.0.0.1/internal"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert "loopback" in refused.content.decode()
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        accepted = reviewer_client.post(url, {"url": "https://news.example/a-report"}, follow=True)
    assert "will be fetched" in accepted.content.decode()
    job = Job.objects.get()
    assert (job.kind, job.params) == (JobKind.FETCH_URL, {"url": "https://news.example/a-report"})


def test_people_without_a_role_cannot_start_jobs(client, matched):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post(reverse("corroboration:find", args=[matched.pk])).status_code == 403
    assert not Job.objects.exists()


def _cards_and_headings(page: str) -> tuple[dict[str, int], dict[str, int]]:
    import re

    cards = {k: int(v) for k, v in re.findall(r'data-ledger="(\w+)"><dt>[^<]*</dt><dd>(\d+)', page)}
    headings = {k: int(v) for k, v in re.findall(r'data-section="(\w+)">[^<]*<span class="count">(\d+)', page)}
    return cards, headings


def test_every_ledger_card_counts_exactly_the_pages_under_its_heading(reviewer_client, matched, reviewer):
    from corroboration.services import ledger

    # A reviewer marks the echo as only mentioning the claim: it stays an echo, counted once.
    echo = Coverage.objects.get(claim=matched, independence="echo")
    reviewer_client.post(reverse("corroboration:stance", args=[matched.pk, echo.pk]), {"stance": "mentions"})
    page = reviewer_client.get(reverse("claims:detail", args=[matched.pk])).content.decode()
    cards, headings = _cards_and_headings(page)
    counts = ledger(matched).counts()
    assert cards == counts
    assert {k: v for k, v in cards.items() if v} == headings
    assert (counts["echoes"], counts["mentions"]) == (1, 0)
    # Each page is listed once on the page.
    assert page.count(f'id="coverage-{echo.pk}"') == 1
    assert sum(headings.values()) == Coverage.objects.filter(claim=matched).count()


def test_each_suggestion_shows_its_reason_and_the_excerpt_marks_the_claims_words(reviewer_client, matched):
    denial = Coverage.objects.get(claim=matched, suggested_stance="disputes")
    assert denial.stance_reason
    assert denial.stance_cue
    assert denial.stance_cue in denial.stance_sentence
    assert denial.excerpt_marks
    page = reviewer_client.get(reverse("claims:detail", args=[matched.pk])).content.decode()
    assert "Why disputes:" in page
    assert "<mark>" in page
    start, end = denial.excerpt_marks[0]
    from django.utils.html import escape

    assert f"<mark>{escape(denial.excerpt[start:end])}</mark>" in page


def test_a_marked_excerpt_escapes_what_the_page_wrote():
    from corroboration.templatetags.coverage_marks import mark_text

    assert mark_text("<b>Russia</b> & Iran", [[3, 9], [16, 20], [4, 6], [40, 50]]) == (
        "&lt;b&gt;<mark>Russia</mark>&lt;/b&gt; &amp; <mark>Iran</mark>"
    )
