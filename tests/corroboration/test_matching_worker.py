"""A matching job under a real Celery worker resumes from the checkpoint an earlier
attempt left, and marks its article matched when it finishes."""

from __future__ import annotations

import pytest
from django.db import transaction

from corroboration.models import ArticleMatching, Coverage, JobKind, JobStatus
from corroboration.services import alias_seed, job_request
from tests.corroboration.test_inverted_matching import ARTICLE, _three_claims
from tests.corroboration.test_jobs_worker import finished, wait_for
from tests.factories import ArticleFactory
from tests.worker import running_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_resumes_matching_after_the_checkpoint_and_marks_the_article_matched():
    alias_seed()  # a transactional test before this one may have flushed the table ("U.S." is "American")
    claims = _three_claims()
    article = ArticleFactory(text=ARTICLE)
    # What an attempt stopped by its time limit after the first chunk leaves behind.
    ArticleMatching.objects.create(article=article, claims_through=claims[0].pk)
    with running_worker():
        with transaction.atomic():
            job, _ = job_request(actor=None, kind=JobKind.MATCH_ARTICLES, params={"article_ids": [article.pk]})
        assert wait_for(lambda: finished(job), timeout=90), f"job still {job.status}: {job.step}"
    assert job.status == JobStatus.DONE
    assert job.counts["candidates"] == 2  # the first claim's chunk was done already
    assert set(Coverage.objects.filter(article=article).values_list("claim", flat=True)) == {
        claims[1].pk,
        claims[2].pk,
    }
    assert ArticleMatching.objects.get(article=article).finished_at is not None
