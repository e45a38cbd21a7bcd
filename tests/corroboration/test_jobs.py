"""The job row is the truth: claimed by one worker with a lease, retried with backoff,
`failed` for good after its attempts, and asked for once however many times it is asked."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from corroboration.models import Job, JobKind, JobStatus
from corroboration.services import JobLost, job_claim, job_fail, job_finish, job_progress, job_request
from corroboration.tasks import run_job
from tests.factories import UserFactory, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        job, created = job_request(actor=reviewer, kind=JobKind.FIND_COVERAGE, claim=make_claim())
    assert created
    return job


def test_asking_again_returns_the_job_already_queued(job, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        again, created = job_request(actor=reviewer, kind=JobKind.FIND_COVERAGE, claim=job.claim)
    assert (again, created) == (job, False)
    assert callbacks == []
    assert Job.objects.count() == 1


def test_the_task_is_sent_only_after_commit(reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job_request(actor=reviewer, kind=JobKind.FIND_COVERAGE, claim=make_claim())
    assert len(callbacks) == 1


def test_only_reviewers_and_editors_start_jobs(roles):
    with pytest.raises(PermissionDenied):
        job_request(actor=UserFactory(), kind=JobKind.FIND_COVERAGE, claim=make_claim())


def test_a_job_is_claimed_once(job):
    claimed = job_claim(job.pk)
    assert (claimed.status, claimed.attempts) == (JobStatus.RUNNING, 1)
    assert claimed.lease_until > timezone.now()
    assert job_claim(job.pk) is None  # a duplicate message finds it taken


def test_a_job_whose_lease_ran_out_is_taken_over(job):
    first = job_claim(job.pk)
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    second = job_claim(job.pk)
    assert second.attempts == 2
    with pytest.raises(JobLost):
        job_progress(first, progress=50, step="still going")  # the old worker must stop
    job_progress(second, progress=50, step="taking over")
    assert job_finish(second, counts={"related": 0})
    assert not job_finish(first, counts={})


def test_progress_renews_the_lease(job):
    claimed = job_claim(job.pk)
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() + dt.timedelta(seconds=1))
    job_progress(claimed, progress=40, step="Matching")
    stored = Job.objects.get(pk=job.pk)
    assert (stored.progress, stored.step) == (40, "Matching")
    assert stored.lease_until > timezone.now() + dt.timedelta(seconds=30)


def test_a_failing_job_retries_with_backoff_then_fails_for_good(job):
    for attempt in range(1, job.max_attempts + 1):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        claimed = job_claim(job.pk)
        assert claimed.attempts == attempt
        delay = job_fail(claimed, error=f"boom {attempt}")
        stored = Job.objects.get(pk=job.pk)
        if attempt < job.max_attempts:
            assert stored.status == JobStatus.QUEUED
            # JOB_RETRY_BASE_SECONDS doubled per attempt, of which up to half is jitter.
            ceiling = settings.JOB_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
            assert ceiling / 2 <= delay.total_seconds() <= ceiling
            assert stored.run_after > timezone.now()
        else:
            assert delay is None
            assert stored.status == JobStatus.FAILED
    assert stored.error == f"boom {job.max_attempts}"
    assert job_claim(job.pk) is None


def test_a_job_not_due_yet_is_not_claimed(job):
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() + dt.timedelta(minutes=5))
    assert job_claim(job.pk) is None


def test_a_job_whose_workers_keep_dying_ends_failed(job):
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=job.max_attempts, lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert job_claim(job.pk) is None
    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.FAILED
    assert "stopped responding" in stored.error


def test_stalled_jobs_are_found_by_the_sweeper(job):
    assert not Job.objects.stalled().exists()
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - dt.timedelta(minutes=5))
    assert list(Job.objects.stalled()) == [job]


@pytest.mark.django_db(transaction=True)  # the task manages its own connection, as in a worker
@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://10.1.2.3/story", "blocked_address"),
        ("ftp://news.example/story", "bad_scheme"),
        ("https://someone:secret@news.example/story", "bad_url"),
    ],
)
def test_a_pasted_url_refused_for_good_fails_at_once_with_its_reason(reviewer, url, code, roles):
    job, _ = job_request(actor=reviewer, kind=JobKind.FETCH_URL, claim=make_claim(), params={"url": url})
    assert run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)  # not asked again
    assert job.error.endswith(f"[{code}]")
    assert "secret" not in job.error
