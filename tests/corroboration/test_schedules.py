"""What beat and the other entry points start: matching when articles arrive, re-checks
of Unproven verdicts on their date, the admin action and the command."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Rating
from corroboration import pipeline
from corroboration.models import Coverage, Job, JobKind, JobStatus
from corroboration.services import job_claim, job_finish
from corroboration.tasks import match_new_articles, recheck_due_claims
from tests.corroboration.corpus import store_corpus
from tests.corroboration.test_pipeline import claim  # noqa: F401 - a fixture
from tests.factories import force_status

pytestmark = pytest.mark.django_db


def run_here(job: Job) -> Job:
    claimed = job_claim(job.pk)
    assert claimed is not None, "the job could not be claimed"
    job_finish(claimed, counts=pipeline.run(claimed))
    job.refresh_from_db()
    return job


def test_articles_that_arrive_are_matched_to_the_open_claims(claim, django_capture_on_commit_callbacks):  # noqa: F811
    store_corpus()
    with django_capture_on_commit_callbacks():
        assert match_new_articles() == 13
        assert match_new_articles() == 0  # one matching job at a time
    job = run_here(Job.objects.get(kind=JobKind.MATCH_ARTICLES))
    assert job.status == JobStatus.DONE
    assert job.counts["related"] == 8
    assert Coverage.objects.filter(claim=claim).count() == 8
    with django_capture_on_commit_callbacks():
        assert match_new_articles() == 0  # all grouped now: nothing new


def test_unproven_verdicts_are_searched_again_on_their_date(claim, default_scale):  # noqa: F811
    unproven = Rating.objects.get(value="unproven")
    # A published Unproven verdict, set up directly (the workflow tests cover the way there).
    force_status(claim, "published", rating=unproven, recheck_on=timezone.localdate() + dt.timedelta(days=1))
    assert recheck_due_claims() == 0
    Claim.objects.filter(pk=claim.pk).update(recheck_on=timezone.localdate())
    assert recheck_due_claims() == 1
    assert recheck_due_claims() == 0  # the search already queued is not asked for twice
    assert Job.objects.get().claim == claim


def test_the_admin_finds_coverage_for_the_selected_claims(client, editor, claim):  # noqa: F811
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "find_coverage", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert "Looking for coverage of 1 claim" in response.content.decode()
    assert Job.objects.get().kind == JobKind.FIND_COVERAGE


def test_the_command_runs_the_search_and_prints_the_ledger(claim, settings, capsys):  # noqa: F811
    settings.GDELT_ENABLED = False  # no provider reaches out; the stored corpus is matched
    store_corpus()
    call_command("find_coverage", str(claim.pk), "--here")
    out = capsys.readouterr().out
    assert "Corroboration ledger for claim" in out
    assert "independent confirmations          2" in out
    assert "Federal News Agency [state-controlled]: independent, disputes" in out
    assert Job.objects.get().status == JobStatus.DONE
