"""The reviewer pages for claims: who may see and change what, and that every write
goes through the services with their messages shown on the page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from claims.forms import MAX_ATTRIBUTION_FORMS
from claims.models import Attribution, AttributionRole, Claim, ClaimRelation, Priority, Rating, RelationKind, Status
from claims.services import claim_update, relation_create
from core.roles import REVIEWER
from reviews.models import claims_awaiting_review_by
from reviews.services import review_create, transition_take
from reviews.workflow import TransitionName
from sources.models import Source, SourceKind
from tests.factories import (
    PASSWORD,
    ArticleFactory,
    OutletFactory,
    SourceFactory,
    UserFactory,
    make_anonymous_claim,
    make_claim,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client: Client, reviewer: Any) -> Client:
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor_client(editor: Any) -> Client:
    client = Client()  # its own session, so a test can use both
    client.force_login(editor)
    return client


def page(response: Any) -> str:
    return response.content.decode()


# --- Who gets in ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "claims:list", "claims:new", "claims:detail", "claims:edit"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    claim = make_claim()
    args = [claim.pk] if name in ("claims:detail", "claims:edit") else []
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_an_account_without_a_newsroom_role_is_refused_with_a_reason(client, roles):
    client.force_login(UserFactory(username="visitor"))
    response = client.get(reverse("claims:list"))
    assert response.status_code == 403
    assert "no newsroom role" in page(response)


def test_a_reviewer_logs_in_and_out(client, reviewer):
    response = client.get(reverse("login"))
    assert 'for="id_username"' in page(response)
    assert 'for="id_password"' in page(response)
    response = client.post(reverse("login"), {"username": "rev", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert ">rev<" in page(response)
    assert ">reviewer<" in page(response)
    assert client.get(reverse("logout")).status_code == 405  # a link cannot sign anyone out
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, reviewer):
    response = client.post(reverse("login"), {"username": "rev", "password": "not-the-password"})
    assert response.status_code == 200
    assert "did not match" in page(response)


def page_paths() -> list[str]:
    """Every path in the URLconf outside the admin and the API (which have their own
    authentication), with 1 for each number in it."""
    paths = []

    def walk(patterns: list[Any], prefix: str = "") -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(("admin/", "api/")):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                paths.append("/" + re.sub(r"<(?:int:)?\w+>", "1", route))

    walk(get_resolver().url_patterns)
    return sorted(set(paths))


def test_the_csrf_check_covers_every_reviewer_page():
    assert {
        "/",
        "/accounts/login/",
        "/accounts/logout/",
        "/claims/",
        "/claims/new/",
        "/claims/1/",
        "/claims/1/edit/",
        "/claims/1/reviews/new/",
        "/claims/1/transitions/",
        "/claims/1/sign-off/",
        "/claims/1/assign/",
        "/reviews/1/edit/",
    } <= set(page_paths())


@pytest.mark.parametrize("path", page_paths())
def test_a_post_without_a_csrf_token_is_refused(path, editor, default_scale):
    """D2: whatever the page, a session POST without the token changes nothing."""
    claim = make_claim(actor=editor)
    transition_take(actor=editor, claim=claim, name=TransitionName.ACCEPT, assignee=editor)
    review = review_create(
        actor=editor, claim=claim, rating=Rating.objects.get(value="true"), rationale="r",
        evidence_urls=["https://a.example"],
    )  # fmt: skip
    path = path.replace("/claims/1/", f"/claims/{claim.pk}/").replace("/reviews/1/", f"/reviews/{review.pk}/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    data = {"version": claim.version, "transition": "send_back", "send_back-version": claim.version}
    response = client.post(path, {**data, "send_back-note": "Refused without a token."})
    assert response.status_code == 403
    assert "CSRF" in page(response)
    claim.refresh_from_db()
    assert claim.status == Status.RESEARCHING


# --- Dashboard ----------------------------------------------------------------------------


def test_the_dashboard_counts_each_queue(reviewer_client, reviewer, editor, default_scale):
    mine = make_claim(actor=reviewer, statement="Mine to research.")
    transition_take(actor=editor, claim=mine, name=TransitionName.ACCEPT, assignee=reviewer)
    make_claim(actor=reviewer, statement="Nobody has this one.")
    response = reviewer_client.get("/")
    html = page(response)
    assert response.status_code == 200
    assert 'aria-label="1 claims">1</span>' in html  # assigned to me, unassigned
    assert "Mine to research." in html
    assert "Nobody has this one." in html
    assert "Awaiting my review" not in html  # a reviewer publishes nothing
    assert "Re-checks due" in html


def test_an_editor_sees_claims_awaiting_their_review(editor_client, editor, reviewer, default_scale):
    claim = make_claim(actor=reviewer, statement="Ready for an editor.")
    transition_take(actor=editor, claim=claim, name=TransitionName.ACCEPT, assignee=reviewer)
    review_create(
        actor=reviewer,
        claim=claim,
        rating=Rating.objects.get(value="true"),
        rationale="Checked.",
        evidence_urls=["https://records.example"],
    )
    transition_take(actor=reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    html = page(editor_client.get("/"))
    assert "Awaiting my review" in html
    assert "Ready for an editor." in html


# --- The queues, as QuerySet methods ------------------------------------------------------


def test_the_queues_select_the_right_claims(reviewer, editor, default_scale):
    rating = {r.value: r for r in Rating.objects.all()}
    unassigned = make_claim(actor=reviewer, statement="Unassigned.")
    mine = make_claim(actor=reviewer, statement="Mine.")
    transition_take(actor=editor, claim=mine, name=TransitionName.ACCEPT, assignee=reviewer)
    accepted_nobody = make_claim(actor=reviewer, statement="Accepted, nobody on it.")
    transition_take(actor=editor, claim=accepted_nobody, name=TransitionName.ACCEPT)
    in_review = make_claim(actor=reviewer, statement="In review.")
    transition_take(actor=editor, claim=in_review, name=TransitionName.ACCEPT, assignee=reviewer)
    review_create(
        actor=reviewer, claim=in_review, rating=rating["unproven"], rationale="r", evidence_urls=["https://e.example"],
        recheck_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    transition_take(actor=reviewer, claim=in_review, name=TransitionName.SUBMIT_FOR_REVIEW)

    assert set(Claim.objects.assigned_to(reviewer)) == {mine, in_review}
    assert set(Claim.objects.unassigned()) == {unassigned, accepted_nobody}
    assert list(claims_awaiting_review_by(editor)) == [in_review]
    assert list(claims_awaiting_review_by(reviewer)) == []  # they wrote it
    assert list(Claim.objects.rechecks_due()) == []
    transition_take(actor=editor, claim=in_review, name=TransitionName.PUBLISH)
    assert list(Claim.objects.rechecks_due()) == [in_review]
    assert list(Claim.objects.rechecks_due(dt.date(2019, 12, 31))) == []
    assert list(Claim.objects.assigned_to(reviewer)) == [mine]  # published is no longer open


# --- The claim list -----------------------------------------------------------------------


def test_the_list_searches_statements_and_quotes(reviewer_client):
    make_claim(statement="The minister resigned over the pipeline deal.")
    make_claim(statement="Rainfall broke records in March.", quote="wettest March since 1910")
    html = page(reviewer_client.get(reverse("claims:list"), {"q": "pipelines"}))
    assert "resigned over the pipeline" in html
    assert "Rainfall" not in html
    html = page(reviewer_client.get(reverse("claims:list"), {"q": "wettest"}))
    assert "Rainfall" in html
    assert "pipeline" not in html
    html = page(reviewer_client.get(reverse("claims:list"), {"q": '"records in" -pipeline'}))
    assert "Rainfall" in html


def test_the_list_filters_by_status_assignee_priority_tag_and_sourcing(reviewer_client, reviewer, editor):
    named = make_claim(statement="Named and tagged.", tags=["budget"], priority=Priority.URGENT)
    anonymous = make_anonymous_claim(actor=reviewer)
    transition_take(actor=editor, claim=anonymous, name=TransitionName.ACCEPT, assignee=reviewer)

    def listed(**params: Any) -> set[int]:
        response = reviewer_client.get(reverse("claims:list"), params)
        return {claim.pk for claim in response.context["page"].object_list}

    assert listed(status="researching") == {anonymous.pk}
    assert listed(assignee="me") == {anonymous.pk}
    assert listed(assignee="none") == {named.pk}
    assert listed(assignee=str(reviewer.pk)) == {anonymous.pk}
    assert listed(priority=Priority.URGENT) == {named.pk}
    assert listed(tag="budget") == {named.pk}
    assert listed(anonymous="yes") == {anonymous.pk}
    assert listed(anonymous="no") == {named.pk}
    assert listed(queue="mine") == {anonymous.pk}
    assert listed(queue="unassigned") == {named.pk}
    assert listed(ordering="oldest") == {named.pk, anonymous.pk}


def test_an_invalid_filter_is_reported_and_the_others_still_apply(reviewer_client):
    make_claim(statement="One claim.")
    response = reviewer_client.get(reverse("claims:list"), {"status": "nonsense", "q": "claim"})
    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    assert "One claim." in page(response)


def test_the_list_pages_with_a_constant_number_of_queries(reviewer_client, django_assert_max_num_queries):
    for i in range(3):
        make_anonymous_claim() if i % 2 else make_claim(statement=f"Claim number {i}.")
    with django_assert_max_num_queries(40) as few:
        reviewer_client.get(reverse("claims:list"))
    for i in range(30):
        make_anonymous_claim() if i % 2 else make_claim(statement=f"Another claim {i}.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = reviewer_client.get(reverse("claims:list"))
    assert len(response.context["page"].object_list) == 25
    assert "Page 1 of 2" in page(response)
    assert "Page 2 of 2" in page(reviewer_client.get(reverse("claims:list"), {"page": 2}))


def test_htmx_gets_only_the_results(reviewer_client):
    make_claim(statement="Shown in the results.")
    response = reviewer_client.get(
        reverse("claims:list"), {"q": "results"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    html = page(response)
    assert html.lstrip().startswith('<section id="results"')
    assert "Shown in the results." in html
    assert "<header" not in html


# --- The claim page -----------------------------------------------------------------------


def test_the_claim_page_shows_the_caveat_record_as_badges(reviewer_client):
    claim = make_anonymous_claim()
    attribution = claim.attributions.get()
    Attribution.objects.filter(pk=attribution.pk).update(stated_limits="cautioned that nothing shows direction")
    html = page(reviewer_client.get(reverse("claims:detail", args=[claim.pk])))
    for text in (
        "Anonymous",
        "2 sources",
        "Independence: unknown",
        "Access: “Familiar with”",
        "Reason: Not authorised to speak",
        "“not authorized to comment publicly”",
        "“spoke on the condition of anonymity”",
        "cautioned that nothing shows direction",
        "Side: Government",
        "Information (fact)",
        "Granted by Wire Service",
        "Source <strong>F</strong>",
        "Information <strong>3</strong>",
        "2 anonymous · caveats complete",  # no "0 named"
        "Needed before publishing",
    ):
        assert text in html, text


def test_the_claim_page_shows_unresolved_caveat_warnings(reviewer_client):
    claim = make_anonymous_claim()
    Attribution.objects.filter(claim=claim).update(content_type="opinion")
    html = page(reviewer_client.get(reverse("claims:detail", args=[claim.pk])))
    assert "Anonymous source used for opinion" in html
    assert "Unresolved — blocks publishing." in html


def test_a_response_to_a_different_proposition_is_not_shown_as_a_denial(reviewer_client, reviewer):
    claim = make_claim(actor=reviewer, statement="Country A shared intelligence.")
    reply = make_claim(actor=reviewer, statement="Country A received no requests for weapons.")
    relation_create(
        actor=reviewer,
        from_claim=reply,
        to_claim=claim,
        kind=RelationKind.RESPONDS_TO,
        addresses="different_proposition",
        note="Asked about weapons, not intelligence.",
    )
    html = page(reviewer_client.get(reverse("claims:detail", args=[claim.pk])))
    assert "responds to this claim" in html
    assert "Addresses a different proposition — not a denial." in html
    html = page(reviewer_client.get(reverse("claims:detail", args=[reply.pk])))
    assert "This claim responds to" in html
    assert "Addresses a different proposition — not a denial." in html
    assert ClaimRelation.objects.count() == 1


def test_the_claim_page_shows_on_record_responses(reviewer_client):
    claim = make_claim(
        others=[
            {
                "source": SourceFactory(name="Kremlin spokesman"),
                "role": AttributionRole.RESPONDS,
                "response": "declines_to_comment",
            }
        ]
    )
    html = page(reviewer_client.get(reverse("claims:detail", args=[claim.pk])))
    assert "On-the-record responses" in html
    assert "Declines to comment" in html


def test_the_claim_page_shows_the_timeline_and_field_history(reviewer_client, reviewer, editor):
    claim = make_claim(actor=reviewer, statement="Before.")
    claim_update(actor=reviewer, claim=claim, statement="After.")
    transition_take(actor=editor, claim=claim, name=TransitionName.ACCEPT, note="Look for the minutes.")
    html = page(reviewer_client.get(reverse("claims:detail", args=[claim.pk])))
    assert "Look for the minutes." in html
    assert "<strong>statement</strong>: Before. → After." in html


def test_a_reviewer_sees_only_the_transitions_they_may_take(reviewer_client, editor_client, reviewer):
    claim = make_claim(actor=reviewer)
    reviewer_html = page(reviewer_client.get(reverse("claims:detail", args=[claim.pk])))
    assert 'name="transition" value="accept"' not in reviewer_html
    assert "an editor triages new claims" in reviewer_html
    assert "Assignment" not in reviewer_html
    editor_html = page(editor_client.get(reverse("claims:detail", args=[claim.pk])))
    assert 'name="transition" value="accept"' in editor_html
    assert 'name="transition" value="reject"' in editor_html
    assert 'id="assign-title"' in editor_html


def test_the_claim_page_has_a_content_security_policy(reviewer_client):
    claim = make_claim()
    response = reviewer_client.get(reverse("claims:detail", args=[claim.pk]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "<script>" not in page(response)


def test_stored_markup_is_shown_as_text(reviewer_client):
    claim = make_claim(
        statement='<script>window.__xss=1</script><div hx-get="/claims/new/" hx-trigger="load">x</div>',
        claimant=SourceFactory(name='"><img src=x onerror=alert(1)>'),
    )
    html = page(reviewer_client.get(reverse("claims:detail", args=[claim.pk])))
    assert "<script>window.__xss" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert '<div hx-get="/claims/new/"' not in html
    assert "<img src=x" not in html


# --- Recording a claim --------------------------------------------------------------------


def management(prefix: str = "attributions", total: int = 1, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def attribution_data(index: int, **fields: Any) -> dict[str, Any]:
    data = {"credibility": 3, **fields}
    return {f"attributions-{index}-{name}": "" if value is None else value for name, value in data.items()}


def anonymous_claimant(source: Source, outlet_pk: int, **overrides: Any) -> dict[str, Any]:
    fields = {
        "source": source.pk,
        "role": "claimant",
        "attribution_text": "two officials familiar with the talks",
        "sources_claimed": 2,
        "independence": "unknown",
        "access": "familiar_with",
        "anonymity_reason": "not_authorized",
        "anonymity_reason_text": "not authorized to speak publicly",
        "condition_text": "spoke on condition of anonymity",
        "side": "government",
        "content_type": "fact",
        "granted_by": outlet_pk,
        **overrides,
    }
    return attribution_data(0, **fields)


def test_the_new_claim_form_labels_every_input(reviewer_client):
    html = page(reviewer_client.get(reverse("claims:new")))
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    hidden = set(re.findall(r'<input type="hidden"[^>]*id="([^"]+)"', html))
    assert ids - hidden <= labelled, ids - hidden - labelled


def test_a_reviewer_records_a_claim_with_an_anonymous_claimant(reviewer_client, reviewer):
    source = SourceFactory(anonymous=True)
    outlet = OutletFactory(name="Wire Service")
    data = {
        "statement": "Country A shared targeting data with Country B.",
        "quote": "shared targeting data",
        "language": "en",
        "priority": Priority.HIGH,
        "tags": "country-a, intelligence",
        **management(total=1),
        **anonymous_claimant(source, outlet.pk),
    }
    response = reviewer_client.post(reverse("claims:new"), data, follow=True)
    claim = Claim.objects.get()
    assert response.redirect_chain[-1][0] == reverse("claims:detail", args=[claim.pk])
    assert f"Claim #{claim.pk} recorded" in page(response)
    assert (claim.created_by, claim.tags, claim.priority) == (reviewer, ["country-a", "intelligence"], Priority.HIGH)
    attribution = claim.attributions.get()
    assert (attribution.role, attribution.sources_claimed, attribution.granted_by) == ("claimant", 2, outlet)
    assert claim.sourcing().incomplete is False


def test_a_new_source_can_be_named_on_the_form(reviewer_client):
    data = {
        "statement": "The mayor opened the bridge.",
        "language": "en",
        "priority": Priority.NORMAL,
        **management(total=1),
        **attribution_data(
            0, role="claimant", new_source_kind="person", new_source_name="Jo Mayor", content_type="fact"
        ),
    }
    response = reviewer_client.post(reverse("claims:new"), data)
    assert response.status_code == 302
    assert Claim.objects.get().claimant.source.name == "Jo Mayor"


def test_a_new_anonymous_source_gets_the_same_caveat_errors_and_nothing_is_kept(reviewer_client):
    data = {
        "statement": "Something was said.",
        "language": "en",
        "priority": Priority.NORMAL,
        **management(total=1),
        **attribution_data(0, role="claimant", new_source_kind="anonymous_group", new_source_name="officials"),
    }
    response = reviewer_client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert "An anonymous attribution needs the story&#x27;s own words" in page(response)
    assert not Claim.objects.exists()
    assert not Source.objects.filter(name="officials").exists()


def test_an_anonymous_claimant_without_the_storys_words_is_refused_inline(reviewer_client):
    source = SourceFactory(anonymous=True)
    data = {
        "statement": "Something was said.",
        "language": "en",
        "priority": Priority.NORMAL,
        **management(total=1),
        **anonymous_claimant(source, OutletFactory().pk, attribution_text=""),
    }
    response = reviewer_client.post(reverse("claims:new"), data)
    html = page(response)
    assert response.status_code == 200
    assert 'id="id_attributions-0-attribution_text_error"' in html
    assert (
        'aria-describedby="id_attributions-0-attribution_text_helptext id_attributions-0-attribution_text_error"'
        in html
    )
    assert 'aria-invalid="true"' in html
    assert not Claim.objects.exists()


@pytest.mark.parametrize("roles_given", [["supports"], ["claimant", "claimant"]])
def test_a_claim_needs_exactly_one_claimant(reviewer_client, roles_given):
    data = {"statement": "Said.", "language": "en", "priority": Priority.NORMAL, **management(total=len(roles_given))}
    for i, role in enumerate(roles_given):
        data.update(attribution_data(i, role=role, source=SourceFactory().pk))
    response = reviewer_client.post(reverse("claims:new"), data)
    assert "A claim needs exactly one claimant" in page(response)
    assert not Claim.objects.exists()


def test_named_sources_cannot_carry_anonymity_caveats(reviewer_client):
    data = {
        "statement": "Said.",
        "language": "en",
        "priority": Priority.NORMAL,
        **management(total=1),
        **attribution_data(0, role="claimant", source=SourceFactory(name="Jo Named").pk, sources_claimed=3),
    }
    html = page(reviewer_client.post(reverse("claims:new"), data))
    assert "these caveats are for anonymous sources only" in html


# --- Editing a claim ----------------------------------------------------------------------


def edit_data(claim: Claim, **changes: Any) -> dict[str, Any]:
    attributions = list(claim.attributions.order_by("pk"))
    data = {
        "statement": claim.statement,
        "quote": claim.quote,
        "language": claim.language,
        "priority": claim.priority,
        "tags": ",".join(claim.tags),
        "context": claim.context,
        "version": claim.version,
        **management(total=len(attributions), initial=len(attributions)),
    }
    for i, a in enumerate(attributions):
        data.update(
            attribution_data(
                i,
                id=a.pk,
                source=a.source_id,
                role=a.role,
                attribution_text=a.attribution_text,
                content_type=a.content_type,
                credibility=a.credibility,
                sources_claimed=a.sources_claimed,
                independence=a.independence,
                access=a.access,
                anonymity_reason=a.anonymity_reason,
                anonymity_reason_text=a.anonymity_reason_text,
                condition_text=a.condition_text,
                side=a.side,
                granted_by=a.granted_by_id,
                identity_known_to_editor="unknown",
            )
        )
    data.update(changes)
    return data


def test_a_reviewer_edits_a_claim_they_recorded(reviewer_client, reviewer):
    claim = make_anonymous_claim(actor=reviewer)
    data = edit_data(claim, statement="Country A shared targeting data.", **{"attributions-0-sources_claimed": 3})
    response = reviewer_client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.statement == "Country A shared targeting data."
    assert claim.attributions.get().sources_claimed == 3
    assert claim.version == 2  # one save of the claim and its attribution: one new version


def test_an_attribution_is_added_and_removed_on_the_edit_page(reviewer_client, reviewer):
    supporter = SourceFactory(name="Jo Support")
    claim = make_claim(actor=reviewer, others=[{"source": supporter, "role": AttributionRole.SUPPORTS}])
    data = edit_data(claim, **{"attributions-1-DELETE": "on"})
    data.update(management(total=3, initial=2))
    data.update(attribution_data(2, role="disputes", source=SourceFactory(name="Jo Dispute").pk))
    response = reviewer_client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 302
    assert sorted(claim.attributions.values_list("source__name", flat=True))[0] == "Jo Dispute"
    assert not claim.attributions.filter(source=supporter).exists()


def test_the_claimant_cannot_be_removed_on_the_edit_page(reviewer_client, reviewer):
    claim = make_claim(actor=reviewer, others=[{"source": SourceFactory(), "role": AttributionRole.SUPPORTS}])
    data = edit_data(claim, **{"attributions-0-DELETE": "on", "attributions-1-role": "claimant"})
    html = page(reviewer_client.post(reverse("claims:edit", args=[claim.pk]), data))
    assert "The claimant cannot be removed" in html
    assert claim.attributions.get(role="claimant")


def test_a_reviewer_cannot_edit_someone_elses_claim(client, reviewer, roles):
    other = UserFactory(username="other", role=REVIEWER)
    claim = make_claim(actor=other)
    client.force_login(reviewer)
    for response in (
        client.get(reverse("claims:edit", args=[claim.pk])),
        client.post(reverse("claims:edit", args=[claim.pk]), edit_data(claim, statement="Changed.")),
    ):
        assert response.status_code == 403
        assert "You can change only the claims assigned to you or recorded by you" in page(response)
    claim.refresh_from_db()
    assert claim.statement != "Changed."
    assert "Edit claim" not in page(client.get(reverse("claims:detail", args=[claim.pk])))


def test_a_published_claim_is_not_edited_by_its_reviewer(reviewer_client, reviewer, editor, default_scale):
    claim = make_claim(actor=reviewer)
    transition_take(actor=editor, claim=claim, name=TransitionName.ACCEPT, assignee=reviewer)
    review_create(
        actor=reviewer, claim=claim, rating=Rating.objects.get(value="true"), rationale="r",
        evidence_urls=["https://e.example"],
    )  # fmt: skip
    transition_take(actor=reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    transition_take(actor=editor, claim=claim, name=TransitionName.PUBLISH)
    assert reviewer_client.get(reverse("claims:edit", args=[claim.pk])).status_code == 403


def test_an_edit_against_a_stale_version_says_who_changed_the_claim(reviewer_client, reviewer, editor):
    claim = make_claim(actor=reviewer, statement="First words.")
    data = edit_data(claim, statement="My words.")
    claim_update(actor=editor, claim=Claim.objects.get(pk=claim.pk), statement="The editor's words.")
    response = reviewer_client.post(reverse("claims:edit", args=[claim.pk]), data)
    html = page(response)
    assert response.status_code == 200
    assert "This claim was changed by ed at" in html
    assert "you were editing version 1" in html
    claim.refresh_from_db()
    assert claim.statement == "The editor's words."


def test_the_edit_page_keeps_whats_stored_when_a_part_is_refused(reviewer_client, reviewer):
    claim = make_anonymous_claim(actor=reviewer)
    before = (claim.statement, claim.version)
    data = edit_data(claim, statement="New words.", **{"attributions-0-independence": "not_independent"})
    html = page(reviewer_client.post(reverse("claims:edit", args=[claim.pk]), data))
    assert "Sources that are not independent count as one" in html
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == before


def test_the_first_appearance_choices_come_from_recorded_coverage(reviewer_client):
    ArticleFactory(title="A story on record")
    html = page(reviewer_client.get(reverse("claims:new")))
    assert "A story on record" in html


def test_a_new_source_may_be_of_any_kind(reviewer_client):
    html = page(reviewer_client.get(reverse("claims:new")))
    for kind in SourceKind:
        assert kind.label in html


def test_a_form_asking_for_thousands_of_attributions_is_refused_with_a_reason(reviewer_client):
    """The number of forms comes from the request; the page builds at most the cap."""
    data = {
        "statement": "The mayor opened the bridge.",
        "language": "en",
        "priority": Priority.NORMAL,
        **management(total=2000),
        **attribution_data(0, role="claimant", new_source_kind="person", new_source_name="Jo Mayor"),
    }
    response = reviewer_client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert f"A claim takes at most {MAX_ATTRIBUTION_FORMS} attributions" in page(response)
    assert len(response.context["formset"].forms) == MAX_ATTRIBUTION_FORMS
    assert not Claim.objects.exists()
