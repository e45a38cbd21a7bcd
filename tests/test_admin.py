"""The editor admin: every page renders, and every save goes through the services."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Attribution, AttributionRole, Claim
from core.admin import NotFoundAdmin
from core.history import history_of
from corroboration.models import ArticleMatching
from sources.models import Article
from tests.factories import ArticleFactory, SourceFactory, make_anonymous_claim

pytestmark = pytest.mark.django_db


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def registered_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


def test_the_claim_page_shows_caveat_warnings(editor_client):
    claim = make_anonymous_claim()
    Attribution.objects.filter(claim=claim).update(content_type="opinion")
    page = editor_client.get(admin_url(Claim, "change", claim.pk)).content.decode()
    assert "Anonymous source used for opinion" in page


def test_a_reviewer_cannot_enter_the_admin(client, reviewer):
    client.force_login(reviewer)
    response = client.get(admin_url(Claim, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def claim_form(claim: Claim, **changes) -> dict:
    """The claim change form as the browser would post it, with its inlines."""
    attributions = list(claim.attributions.all())
    data = {
        "statement": claim.statement,
        "quote": claim.quote,
        "language": claim.language,
        "priority": claim.priority,
        "tags": ",".join(claim.tags),
        "context": claim.context,
        "seen_version": claim.version,
        "attributions-TOTAL_FORMS": len(attributions),
        "attributions-INITIAL_FORMS": len(attributions),
        "attributions-MIN_NUM_FORMS": 1,
        "attributions-MAX_NUM_FORMS": 1000,
        "relations_from-TOTAL_FORMS": 0,
        "relations_from-INITIAL_FORMS": 0,
        "relations_from-MIN_NUM_FORMS": 0,
        "relations_from-MAX_NUM_FORMS": 1000,
    }
    for i, a in enumerate(attributions):
        prefix = f"attributions-{i}-"
        data.update(
            {
                prefix + "id": a.pk,
                prefix + "claim": claim.pk,
                prefix + "role": a.role,
                prefix + "source": a.source_id,
                prefix + "attribution_text": a.attribution_text,
                prefix + "credibility": a.credibility,
                prefix + "sources_claimed": a.sources_claimed or "",
                prefix + "independence": a.independence,
                prefix + "access": a.access,
                prefix + "anonymity_reason": a.anonymity_reason,
                prefix + "anonymity_reason_text": a.anonymity_reason_text,
                prefix + "condition_text": a.condition_text,
                prefix + "side": a.side,
                prefix + "content_type": a.content_type,
                prefix + "granted_by": a.granted_by_id or "",
                prefix + "identity_known_to_editor": "unknown",
            }
        )
    data.update(changes)
    return data


def test_saving_a_claim_in_the_admin_goes_through_the_service(editor_client, editor):
    claim = make_anonymous_claim()
    response = editor_client.post(
        admin_url(Claim, "change", claim.pk),
        claim_form(
            claim, statement="Country A shared targeting data with Country B.", **{"attributions-0-sources_claimed": 3}
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    claim.refresh_from_db()
    assert claim.statement == "Country A shared targeting data with Country B."
    assert claim.claimant.sources_claimed == 3
    assert claim.version == 2  # the claim and its claimant saved together: one new version
    assert history_of(claim)[0].user == editor


def test_an_admin_save_against_a_stale_version_is_refused(editor_client):
    claim = make_anonymous_claim()
    stale_form = claim_form(claim, statement="An edit made on an old page.")
    Claim.objects.filter(pk=claim.pk).update(version=2, context="Someone else's edit.")
    response = editor_client.post(admin_url(Claim, "change", claim.pk), stale_form, follow=True)
    assert "This claim was changed by" in response.content.decode()
    claim.refresh_from_db()
    assert claim.statement == "Country A has shared targeting information with Country B."


def test_a_claim_added_in_the_admin_needs_one_claimant(editor_client):
    source = SourceFactory(name="A Named Minister")
    form = {
        "statement": "Exports rose by a third last year.",
        "language": "en",
        "priority": 2,
        "attributions-TOTAL_FORMS": 1,
        "attributions-INITIAL_FORMS": 0,
        "attributions-MIN_NUM_FORMS": 1,
        "attributions-MAX_NUM_FORMS": 1000,
        "attributions-0-role": AttributionRole.SUPPORTS,
        "attributions-0-source": source.pk,
        "attributions-0-credibility": 3,
        "attributions-0-identity_known_to_editor": "unknown",
        "relations_from-TOTAL_FORMS": 0,
        "relations_from-INITIAL_FORMS": 0,
        "relations_from-MIN_NUM_FORMS": 0,
        "relations_from-MAX_NUM_FORMS": 1000,
    }
    response = editor_client.post(admin_url(Claim, "add"), form)
    assert response.status_code == 200
    assert "exactly one claimant" in response.content.decode()
    assert not Claim.objects.exists()

    form["attributions-0-role"] = AttributionRole.CLAIMANT
    response = editor_client.post(admin_url(Claim, "add"), form)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.claimant.source == source
    assert claim.created_by.username == "ed"


@pytest.mark.parametrize(
    "model",
    [m for m in registered_models() if isinstance(admin.site._registry[m], NotFoundAdmin)],
    ids=lambda m: m._meta.label,
)
def test_an_address_naming_no_object_is_a_404_not_a_server_error(editor_client, model):
    editor_client.raise_request_exception = False
    for object_id in ("abc", "999999"):
        assert editor_client.get(admin_url(model, "change", object_id)).status_code == 404


def test_the_claim_change_page_with_a_word_for_an_id_is_a_404(editor_client):
    editor_client.raise_request_exception = False
    assert editor_client.get("/admin/claims/claim/abc/change/").status_code == 404
    assert editor_client.get("/admin/claims/claim/abc/history/").status_code == 404


def test_an_article_added_in_the_admin_is_held_to_the_fetcher_s_rules(editor_client):
    for address in ("ftp://news.example/story", "https://someone:secret@news.example/story", "http://10.0.0.8/"):
        response = editor_client.post(
            admin_url(Article, "add"), {"canonical_url": address, "provider": "manual"}, follow=True
        )
        # The add form again, saying why.
        assert response.redirect_chain == [(admin_url(Article, "add"), 302)]
        (message,) = [str(m) for m in response.context["messages"]]
        assert any(words in message for words in ("Only http and https", "user name or password", "private"))
        assert "secret" not in message
    assert not Article.objects.exists()


def test_an_editor_sees_which_articles_are_not_matched_to_the_claims_yet(editor_client):
    done, part_way = ArticleFactory(title="Matched wire story"), ArticleFactory(title="Half-matched report")
    ArticleMatching.objects.create(article=done, claims_through=900, finished_at=timezone.now())
    ArticleMatching.objects.create(article=part_way, claims_through=400)
    page = editor_client.get(admin_url(ArticleMatching, "changelist") + "?finished=no").content.decode()
    assert "Half-matched report" in page
    assert "Matched wire story" not in page
    # Read only, for editors; a reviewer does not enter the admin at all.
    assert editor_client.get(admin_url(ArticleMatching, "change", part_way.pk)).status_code == 200
    assert (
        editor_client.post(admin_url(ArticleMatching, "change", part_way.pk), {"claims_through": 0}).status_code == 403
    )
    assert ArticleMatching.objects.get(pk=part_way.pk).claims_through == 400


def test_a_filtered_list_counts_its_rows_once(editor_client):
    make_anonymous_claim()
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(admin_url(Claim, "changelist"), {"q": "officials"})
    assert response.status_code == 200
    assert len([q for q in queries.captured_queries if "COUNT(" in q["sql"]]) == 1
