"""Retention: finished jobs, finished webhook deliveries, login attempts and unused
articles go once older than their setting's days; every article a claim uses, the change
history and the transition log stay for ever (README, "What is kept")."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import Model
from django.utils import timezone

from claims.models import Attribution, AttributionRole
from claims.services import claim_update
from config.celery import app as celery_app
from core import retention
from core.retention import retention_prune
from corroboration.models import ArticleBand, ArticleMatching, Coverage, Job, JobKind, JobStatus, Syndication
from extraction.services import extraction_request, extraction_text_fetched
from integrations.models import DeliveryStatus, WebhookDelivery
from integrations.services import webhook_endpoint_create
from reviews.models import Transition
from reviews.services import transition_take
from reviews.workflow import TransitionName
from sources.models import Article
from tests.factories import ArticleFactory, SourceFactory, make_claim
from tests.reviews.conftest import Workflow

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LONG_AGO = timezone.now() - dt.timedelta(days=400)


@pytest.fixture
def workflow(editor: Any, reviewer: Any, default_scale: Any) -> Workflow:
    return Workflow(editor, reviewer, {rating.value: rating for rating in default_scale.ratings.all()})


def age(model: type[Model], pk: int, **fields: dt.datetime) -> None:
    """Move a row's timestamps into the past (auto_now fields included)."""
    model._base_manager.filter(pk=pk).update(**fields)


def old_article(**fields: Any) -> Article:
    article = ArticleFactory.create(**fields)
    age(Article, article.pk, seen_at=LONG_AGO, updated_at=LONG_AGO)
    return article


def exists(model: type[Model], pk: int) -> bool:
    return model._base_manager.filter(pk=pk).exists()


# --- Articles ---------------------------------------------------------------------------------


def first_appearance(article: Article, **_: Any) -> None:
    make_claim(first_appearance=article)


def appearance(article: Article, **_: Any) -> None:
    make_claim(appearances=[article])


def attribution(article: Article, **_: Any) -> None:
    make_claim(others=[{"source": SourceFactory(), "role": AttributionRole.SUPPORTS, "article": article}])


def coverage(article: Article, **_: Any) -> None:
    Coverage.objects.create(
        claim=make_claim(), article=article, score=0.8, excerpt="The passage.", suggested_stance="supports"
    )


def review_evidence(article: Article, workflow: Any, **_: Any) -> None:
    workflow.draft(workflow.researching(), evidence_articles=[article])


def extraction(article: Article, editor: Any, **_: Any) -> None:
    story = extraction_request(actor=editor, text="The minister said so on Tuesday.")
    extraction_text_fetched(extraction=story, article=article, text="The minister said so on Tuesday.")


def earlier_first_appearance(article: Article, **_: Any) -> None:
    """Only the change history still names it: the claim moved on to another article."""
    claim = make_claim(first_appearance=article)
    claim_update(actor=None, claim=claim, version=claim.version, first_appearance=ArticleFactory())


def syndicated_copy(article: Article, **_: Any) -> None:
    """It is the origin of a copy a claim uses: the copy's group keeps its origin."""
    Syndication.objects.create(article=article, origin=article)
    copy = ArticleFactory.create()
    Syndication.objects.create(article=copy, origin=article, similarity=0.95)
    make_claim(first_appearance=copy)


USES = [
    first_appearance,
    appearance,
    attribution,
    coverage,
    review_evidence,
    extraction,
    earlier_first_appearance,
    syndicated_copy,
]


@pytest.mark.parametrize("use", USES, ids=[use.__name__ for use in USES])
def test_each_kind_of_use_keeps_an_old_article(use, workflow, editor):
    used = old_article()
    use(used, workflow=workflow, editor=editor)
    age(Article, used.pk, seen_at=LONG_AGO, updated_at=LONG_AGO)
    unused = old_article()

    outcomes = {outcome.name: outcome for outcome in retention_prune()}

    assert exists(Article, used.pk)
    assert not exists(Article, unused.pk)
    assert outcomes["unused articles"].count == 1


def test_the_uses_are_every_relation_that_points_at_an_article():
    """A new relation to Article keeps articles by itself (retention works the uses out
    from the models); this list says which exist, so that the README stays true."""
    relations = {
        (relation.related_model._meta.label, relation.field.name)
        for relation in Article._meta.get_fields(include_hidden=True)
        if relation.is_relation and relation.auto_created and not relation.concrete and not relation.many_to_many
    }
    assert relations == {
        ("claims.Claim", "first_appearance"),
        ("claims.Claim_appearances", "article"),
        ("claims.Attribution", "article"),
        ("corroboration.Coverage", "article"),
        ("reviews.Review_evidence_articles", "article"),
        ("extraction.Extraction", "article"),
        ("corroboration.Syndication", "article"),
        ("corroboration.Syndication", "origin"),
        # The change history names articles too, and keeps them.
        ("claims.ClaimEvent", "first_appearance"),
        ("claims.AttributionEvent", "article"),
        ("corroboration.CoverageEvent", "article"),
        ("extraction.ExtractionEvent", "article"),
        # Not uses: an index of the article's text, and how far its matching got (an
        # extension of the article, keyed by it); both go with the article.
        ("corroboration.ArticleBand", "article"),
        ("corroboration.ArticleMatching", "article"),
    }


def test_an_unused_article_goes_with_its_fingerprint_bands_and_matching_marker():
    article = old_article()
    ArticleBand.objects.create(article=article, band=42)
    ArticleMatching.objects.create(article=article, claims_through=0)

    retention_prune()

    assert not exists(Article, article.pk)
    assert not ArticleBand.objects.filter(article_id=article.pk).exists()


def test_an_unused_article_goes_with_its_own_syndication_but_only_once_old():
    grouped = old_article()
    Syndication.objects.create(article=grouped, origin=grouped, shingles=bytes(8 * 20))  # with its stored shingles
    recent = ArticleFactory()

    retention_prune()

    assert not exists(Article, grouped.pk)
    assert not Syndication.objects.filter(article_id=grouped.pk).exists()
    assert exists(Article, recent.pk)


def test_an_origin_goes_after_its_unused_copies():
    origin, copy = old_article(), old_article()
    Syndication.objects.create(article=origin, origin=origin)
    Syndication.objects.create(article=copy, origin=origin, similarity=0.9)

    retention_prune()
    assert (exists(Article, origin.pk), exists(Article, copy.pk)) == (True, False)
    retention_prune()  # the next run
    assert not exists(Article, origin.pk)


# --- Jobs, deliveries, login attempts ----------------------------------------------------------


def job(status: str, *, old: bool = True) -> Job:
    lease = timezone.now() + dt.timedelta(minutes=1) if status == JobStatus.RUNNING else None
    created = Job.objects.create(kind=JobKind.FIND_COVERAGE, claim=make_claim(), status=status, lease_until=lease)
    if old:
        age(Job, created.pk, updated_at=LONG_AGO)
    return created


def test_finished_jobs_go_and_active_or_recent_ones_stay():
    done, failed = job(JobStatus.DONE), job(JobStatus.FAILED)
    queued, running = job(JobStatus.QUEUED), job(JobStatus.RUNNING)
    recent = job(JobStatus.DONE, old=False)

    retention_prune()

    assert [exists(Job, j.pk) for j in (done, failed, queued, running, recent)] == [False, False, True, True, True]


def test_the_job_an_extraction_points_at_stays(editor):
    story = extraction_request(actor=editor, text="The minister said on Tuesday that the agreement was signed.")
    Job.objects.filter(pk=story.job_id).update(status=JobStatus.DONE, updated_at=LONG_AGO)

    retention_prune()

    assert exists(Job, story.job_id)


def test_finished_deliveries_go_and_pending_or_recent_ones_stay(workflow, editor, settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    endpoint, _ = webhook_endpoint_create(actor=editor, url="http://127.0.0.1:9000/hooks/cms")
    claim = workflow.submitted()

    def delivery(sequence: int, status: str, *, old: bool = True) -> WebhookDelivery:
        row = WebhookDelivery.objects.create(
            endpoint=endpoint, event="claim.transitioned", claim=claim, sequence=sequence, payload={}, status=status
        )
        if old:
            age(WebhookDelivery, row.pk, created_at=LONG_AGO, last_attempt_at=LONG_AGO)
        return row

    delivered, failed = delivery(1, DeliveryStatus.DELIVERED), delivery(2, DeliveryStatus.FAILED)
    pending, recent = delivery(3, DeliveryStatus.PENDING), delivery(4, DeliveryStatus.DELIVERED, old=False)
    retried_lately = delivery(5, DeliveryStatus.FAILED)
    age(WebhookDelivery, retried_lately.pk, last_attempt_at=timezone.now())

    retention_prune()

    kept = [exists(WebhookDelivery, d.pk) for d in (delivered, failed, pending, recent, retried_lately)]
    assert kept == [False, False, True, True, True]


def test_old_login_attempts_and_logs_go():
    fields = {"user_agent": "test", "ip_address": "192.0.2.1", "http_accept": "*/*", "path_info": "/accounts/login/"}
    old = [
        AccessAttempt.objects.create(username="ed", get_data="", post_data="", failures_since_start=3, **fields),
        AccessLog.objects.create(username="ed", **fields),
        AccessFailureLog.objects.create(username="ed", **fields),
    ]
    for row in old:
        age(type(row), row.pk, attempt_time=LONG_AGO)
    recent = AccessAttempt.objects.create(username="rev", get_data="", post_data="", failures_since_start=1, **fields)

    retention_prune()

    assert [exists(type(row), row.pk) for row in old] == [False, False, False]
    assert exists(AccessAttempt, recent.pk)


# --- What is kept for ever, and how it runs ----------------------------------------------------


def test_the_transition_log_and_the_change_history_are_never_pruned(workflow, editor):
    claim = workflow.submitted()
    transition_take(actor=editor, claim=claim, name=TransitionName.REJECT, reason="not_check_worthy")
    Job.objects.create(kind=JobKind.FIND_COVERAGE, claim=claim, status=JobStatus.DONE)
    claim_events = apps.get_model("claims", "ClaimEvent").objects
    transitions, events = Transition.objects.count(), claim_events.count()
    later = timezone.now() + dt.timedelta(days=10 * 365)

    outcomes = {outcome.name: outcome.count for outcome in retention_prune(now=later)}

    assert outcomes["finished jobs"] == 1  # everything old enough went…
    assert Transition.objects.count() == transitions  # …but not the log
    assert claim_events.count() == events  # …nor the history
    assert Attribution.objects.filter(claim=claim).exists()


def test_zero_days_keeps_a_kind_for_ever(settings):
    settings.RETENTION_ARTICLES_DAYS = 0
    article = old_article()

    outcomes = {outcome.name: outcome for outcome in retention_prune()}

    assert exists(Article, article.pk)
    assert outcomes["unused articles"].cutoff is None
    assert "kept for ever" in outcomes["unused articles"].line(dry_run=False)


def test_a_dry_run_counts_and_deletes_nothing():
    articles = [old_article() for _ in range(3)]
    job(JobStatus.DONE)
    out = StringIO()

    call_command("prune", "--dry-run", stdout=out)

    assert "unused articles: would delete 3 older than 180 days (RETENTION_ARTICLES_DAYS)" in out.getvalue()
    assert "finished jobs: would delete 1 older than 90 days (RETENTION_JOBS_DAYS)" in out.getvalue()
    assert all(exists(Article, a.pk) for a in articles)


def test_a_run_is_capped_and_the_command_goes_on_until_nothing_is_left(monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    monkeypatch.setattr(retention, "MAX_BATCHES", 1)
    for _ in range(5):
        old_article()

    (articles,) = [o for o in retention_prune() if o.name == "unused articles"]
    assert (articles.count, articles.more) == (2, True)

    out = StringIO()
    call_command("prune", stdout=out)
    assert "unused articles: deleted 3 older than 180 days" in out.getvalue()
    assert not Article.objects.exists()


def test_the_prune_task_runs_hourly_on_the_maintenance_queue():
    entry = django_settings.CELERY_BEAT_SCHEDULE["core.prune"]
    assert entry["task"] == "core.prune"
    assert entry["schedule"] == 3600
    celery_app.loader.import_default_modules()
    assert "core.prune" in celery_app.tasks
    assert celery_app.amqp.router.route({}, "core.prune")["queue"].name == "maintenance"


@pytest.mark.django_db(transaction=True)
def test_the_prune_task_deletes_what_is_old():
    old_article()
    celery_app.loader.import_default_modules()
    assert celery_app.tasks["core.prune"]()["unused articles"] == 1


def test_login_retention_shorter_than_the_lock_out_is_refused():
    env = {"RETENTION_LOGIN_ATTEMPTS_DAYS": "1", "LOGIN_LOCKOUT_HOURS": "48", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "RETENTION_LOGIN_ATTEMPTS_DAYS" in result.stderr.splitlines()[-1]
