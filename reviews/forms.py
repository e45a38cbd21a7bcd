"""Reviewer-page forms for reviews and the workflow: writing a review, taking a
transition, signing off anonymous sourcing and assigning a reviewer.

These forms check shape only (a known choice, a whole number). The rules — who may
act, what a transition's guard needs — are the services' to check, so a page shows
exactly the message the admin and the API give."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from claims.models import Attribution, Claim, Priority, Rating
from core.forms import VersionField
from core.roles import assignable_users
from corroboration.models import Coverage, CoverageIndependence, MatchState, PriorCheck, Stance
from reviews.models import AP_CONDITIONS, Review
from reviews.services import REVIEW_FIELDS
from reviews.workflow import RejectReason, Rule, TransitionName
from sources.models import Article


def _independent(stance: str) -> Callable[[Coverage], bool]:
    return lambda item: item.independence == CoverageIndependence.INDEPENDENT and item.stance == stance


def _of_class(independence: str) -> Callable[[Coverage], bool]:
    return lambda item: item.independence == independence


UNCONFIRMED = "Suggested coverage, not confirmed yet"
APPEARANCES = "Where the claim appeared, and what its sources cite"
CITED_BEFORE = "Cited earlier"
# Confirmed coverage, by its class in the corroboration ledger (the order a reviewer
# weighs it in), then the rest.
EVIDENCE_GROUPS: list[tuple[str, Callable[[Coverage], bool]]] = [
    ("Independent confirmations", _independent(Stance.SUPPORTS)),
    ("Denials", _independent(Stance.DISPUTES)),
    ("Independent reports that mention it", _independent(Stance.MENTIONS)),
    ("Where it was first reported", _of_class(CoverageIndependence.ORIGIN)),
    ("Syndicated copies (not counted as confirmations)", _of_class(CoverageIndependence.SYNDICATED)),
    ("Echoes (re-cite another outlet's sources)", _of_class(CoverageIndependence.ECHO)),
    (UNCONFIRMED, lambda item: False),
    (APPEARANCES, lambda item: False),
    (CITED_BEFORE, lambda item: False),
]


def article_label(article: Article) -> str:
    parts = [article.title or article.canonical_url or f"Article #{article.pk}"]
    if article.outlet is not None:
        parts.append(article.outlet.name)
    if article.published_at is not None:
        parts.append(article.published_at.strftime("%-d %b %Y"))
    return " — ".join(parts)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class EvidenceURLsField(forms.Field):
    """Other evidence as web addresses, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> str:
        return "\n".join(value) if isinstance(value, list | tuple) else (value or "")

    def to_python(self, value: Any) -> list[str]:
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        validate = forms.URLField(assume_scheme="https").clean
        urls, errors = [], []
        for line in lines:
            try:
                urls.append(validate(line))
            except forms.ValidationError:
                errors.append(f"“{line}” is not a web address (http:// or https://).")
        if errors:
            raise forms.ValidationError(errors)
        return urls


class ReviewForm(forms.ModelForm):
    """A reviewer's assessment: the verdict, how sure, why, and what it rests on."""

    version = VersionField()
    evidence_urls = EvidenceURLsField(
        label="Other evidence (web addresses)", required=False, help_text="One address per line."
    )

    class Meta:
        model = Review
        fields = [
            "rating",
            "confidence",
            "summary",
            "rationale",
            "evidence_attributions",
            "evidence_articles",
            "evidence_prior_checks",
            "evidence_urls",
            "recheck_on",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "rationale": forms.Textarea(attrs={"rows": 6}),
            "evidence_attributions": forms.CheckboxSelectMultiple,
            "evidence_articles": forms.CheckboxSelectMultiple,
            "evidence_prior_checks": forms.CheckboxSelectMultiple,
            "recheck_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        }
        labels = {
            "rating": "Verdict",
            "evidence_attributions": "Attributions cited",
            "evidence_articles": "Coverage cited",
            "evidence_prior_checks": "Prior checks cited (confirmed as about this claim)",
        }

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claim = claim
        rating = cast(forms.ModelChoiceField, self.fields["rating"])
        rating.queryset = Rating.objects.filter(scale__is_default=True).order_by("position")
        rating.empty_label = "Not decided yet"
        attributions = cast(forms.ModelMultipleChoiceField, self.fields["evidence_attributions"])
        attributions.queryset = Attribution.objects.filter(claim=claim).select_related("source")
        prior_checks = cast(forms.ModelMultipleChoiceField, self.fields["evidence_prior_checks"])
        prior_checks.queryset = PriorCheck.objects.filter(
            matches__claim=claim, matches__state=MatchState.CONFIRMED
        ).distinct()
        self.fields["version"].initial = claim.version
        self._offer_articles(claim)

    def _offer_articles(self, claim: Claim) -> None:
        """The articles a review may cite, in groups: the coverage reviewers confirmed
        first, by its class in the ledger; then coverage still only suggested; then the
        claim's appearances and what its attributions cite; and, whatever became of them,
        the articles this review already cites (a review keeps its evidence)."""
        coverage = list(Coverage.objects.filter(claim=claim).select_related("article__outlet").order_by("-score", "pk"))
        linked = list(
            Article.objects.filter(Q(first_claims=claim) | Q(claims=claim) | Q(attributions__claim=claim))
            .select_related("outlet")
            .distinct()
        )
        cited = list(self.instance.evidence_articles.select_related("outlet")) if self.instance.pk else []
        groups: dict[str, list[tuple[Article, str]]] = {label: [] for label, _ in EVIDENCE_GROUPS}
        placed: set[int] = set()
        for item in coverage:
            if item.confirmed and item.stance != Stance.UNRELATED:
                label = next(label for label, belongs in EVIDENCE_GROUPS if belongs(item))
                groups[label].append((item.article, f"confirmed {item.get_stance_display().lower()}"))
                placed.add(item.article_id)
        for item in coverage:
            if not item.confirmed and item.suggested_stance != Stance.UNRELATED and item.article_id not in placed:
                kind, suggested = item.get_independence_display(), item.get_suggested_stance_display()
                note = f"{kind.lower()}; suggested {suggested.lower()}"
                groups[UNCONFIRMED].append((item.article, note))
                placed.add(item.article_id)
        for article in linked:
            if article.pk not in placed:
                groups[APPEARANCES].append((article, ""))
                placed.add(article.pk)
        for article in cited:
            if article.pk not in placed:
                groups[CITED_BEFORE].append((article, "no longer linked to the claim"))
                placed.add(article.pk)
        self.article_groups = [(label, items) for label, items in groups.items() if items]
        articles = cast(forms.ModelMultipleChoiceField, self.fields["evidence_articles"])
        articles.queryset = Article.objects.filter(pk__in=placed).select_related("outlet")
        articles.label_from_instance = article_label  # type: ignore[method-assign,assignment]

    def evidence_article_groups(self) -> list[tuple[str, list[tuple[Any, str]]]]:
        """For the template: each group's checkboxes (bound widgets) with a note on each."""
        widgets = {str(w.data["value"]): w for w in self["evidence_articles"].subwidgets}
        return [
            (label, [(widgets[str(article.pk)], note) for article, note in items if str(article.pk) in widgets])
            for label, items in self.article_groups
        ]

    def service_values(self) -> dict[str, Any]:
        allowed = REVIEW_FIELDS | {"evidence_attributions", "evidence_articles", "evidence_prior_checks"}
        return {name: value for name, value in self.cleaned_data.items() if name in allowed}


NOTE_LABELS = {
    TransitionName.ACCEPT: "Note for the reviewer",
    TransitionName.REJECT: "Note",
    TransitionName.RESTORE: "Why it comes back",
    TransitionName.SUBMIT_FOR_REVIEW: "Note for the editor",
    TransitionName.SEND_BACK: "What needs more work",
    TransitionName.PUBLISH: "Note for the log",
    TransitionName.REOPEN: "Correction reason",
}
NOTE_REQUIRED = {TransitionName.SEND_BACK, TransitionName.REOPEN}


class TransitionForm(forms.Form):
    """One workflow transition, with its note and the inputs that transition takes."""

    version = VersionField()
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    priority = forms.TypedChoiceField(label="Check-worthiness", choices=Priority.choices, coerce=int)
    assignee = UserChoiceField(
        label="Assign to", queryset=get_user_model().objects.none(), required=False, empty_label="Nobody yet"
    )
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "Choose a reason…"), *RejectReason.choices], required=False
    )
    duplicate_of = forms.IntegerField(
        label="Duplicate of claim #", min_value=1, required=False, help_text="For a duplicate: the claim's number."
    )

    FIELDS_BY_TRANSITION = {
        TransitionName.ACCEPT: ("priority", "assignee", "note"),
        TransitionName.REJECT: ("reason", "duplicate_of", "note"),
    }

    def __init__(self, *args: Any, rule: Rule, claim: Claim, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", rule.name)
        super().__init__(*args, **kwargs)
        self.rule, self.claim = rule, claim
        wanted = ("version", *self.FIELDS_BY_TRANSITION.get(rule.name, ("note",)))
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.fields["version"].initial = claim.version
        self.fields["note"].label = NOTE_LABELS[rule.name]
        # Not `required` in the browser: the service's guard words the refusal, the same
        # way for pages, admin and API.
        self.note_required = rule.name in NOTE_REQUIRED
        if "priority" in self.fields:
            self.fields["priority"].initial = claim.priority
        if "assignee" in self.fields:
            assignee = cast(UserChoiceField, self.fields["assignee"])
            assignee.queryset = assignable_users()
            assignee.initial = claim.assignee_id

    def clean_duplicate_of(self) -> Claim | None:
        number = self.cleaned_data.get("duplicate_of")
        if number is None:
            return None
        claim = Claim.objects.filter(pk=number).first()
        if claim is None:
            raise forms.ValidationError(f"There is no claim #{number}.")
        return claim

    def service_values(self) -> dict[str, Any]:
        values = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        values.setdefault("note", "")
        return values


class SignOffForm(forms.Form):
    """A standards editor's check of anonymous sourcing against the AP conditions."""

    version = VersionField()
    note = forms.CharField(label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "signoff")
        super().__init__(*args, **kwargs)
        for key, text in AP_CONDITIONS.items():
            self.fields[key] = forms.BooleanField(label=text, required=False)
        # The conditions first, then the note.
        self.order_fields([*AP_CONDITIONS, "note"])
        self.fields["version"].initial = claim.version

    def conditions(self) -> list[forms.BoundField]:
        return [self[key] for key in AP_CONDITIONS]

    def condition_keys(self) -> list[str]:
        return list(AP_CONDITIONS)


class AssignForm(forms.Form):
    version = VersionField()
    assignee = UserChoiceField(label="Assign to", queryset=get_user_model().objects.none(), required=False)

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        assignee = cast(UserChoiceField, self.fields["assignee"])
        assignee.queryset = assignable_users()
        assignee.empty_label = "Nobody"
        assignee.initial = claim.assignee_id
        self.fields["version"].initial = claim.version
