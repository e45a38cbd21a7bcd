"""Reviewer-page forms for recording and editing claims with their attributions.

The forms validate what a person typed, with the models' own rules (so they give the
same messages as the admin and the API); the views then hand the cleaned values to
`claims.services`, which validate again and write."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from claims.models import Attribution, AttributionRole, Claim, Priority, Status
from claims.services import ATTRIBUTION_FIELDS, CLAIM_FIELDS
from core.forms import VersionField
from sources.models import Article, Outlet, Source, SourceKind

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _article_choices() -> Any:
    return Article.objects.select_related("outlet").order_by("-published_at", "-seen_at")


class ClaimForm(forms.ModelForm):
    """The claim itself: what was said, by whom it was reported, and its triage."""

    version = VersionField()

    class Meta:
        model = Claim
        fields = ["statement", "quote", "made_on", "first_appearance", "context", "language", "tags", "priority"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "quote": forms.Textarea(attrs={"rows": 3}),
            "context": forms.Textarea(attrs={"rows": 3}),
            "made_on": DATE,
        }
        labels = {"priority": "Check-worthiness", "tags": "Tags"}
        help_texts = {
            "tags": "Separated by commas: russia, iran, intelligence.",
            "language": "Language code of the quote: en, ru, fa…",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first_appearance = cast(forms.ModelChoiceField, self.fields["first_appearance"])
        first_appearance.queryset = _article_choices()
        first_appearance.empty_label = "Not recorded"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            # A new claim has no version to compare against.
            del self.fields["version"]

    def service_values(self, *, changed_only: bool) -> dict[str, Any]:
        names = self.changed_data if changed_only else self.cleaned_data
        return {name: self.cleaned_data[name] for name in names if name in CLAIM_FIELDS}


class AttributionForm(forms.ModelForm):
    """One source the claim is attributed to, with the anonymity caveat record.

    A source not yet in the tracker can be added here by kind and name; it is created
    together with the claim."""

    new_source_kind = forms.ChoiceField(label="Kind", choices=[("", "—"), *SourceKind.choices], required=False)
    new_source_name = forms.CharField(
        label="Name or description",
        max_length=300,
        required=False,
        help_text='For an anonymous group, as the story describes it: "officials familiar with U.S. intelligence".',
    )
    new_source_title = forms.CharField(label="Title", max_length=300, required=False)

    class Meta:
        model = Attribution
        fields = [
            "source",
            "role",
            "attribution_text",
            "quote",
            "said_on",
            "article",
            "response",
            "content_type",
            "credibility",
            "sources_claimed",
            "independence",
            "access",
            "anonymity_reason",
            "anonymity_reason_text",
            "condition_text",
            "stated_limits",
            "side",
            "motive",
            "granted_by",
            "identity_known_to_editor",
            "vouching_note",
        ]
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 2}),
            "stated_limits": forms.Textarea(attrs={"rows": 2}),
            "said_on": DATE,
        }
        labels = {
            "attribution_text": "Attribution, verbatim",
            "response": "On-the-record response",
            "content_type": "What the source offers",
            "identity_known_to_editor": "An editor there knows who they are",
            "credibility": "Credibility (Admiralty)",
        }

    CAVEAT_FIELDS = (
        "sources_claimed",
        "independence",
        "access",
        "anonymity_reason",
        "anonymity_reason_text",
        "condition_text",
        "side",
        "motive",
        "granted_by",
        "identity_known_to_editor",
        "vouching_note",
        "stated_limits",
    )
    NEW_SOURCE_FIELDS = ("new_source_kind", "new_source_name", "new_source_title")

    def __init__(self, *args: Any, can_add_sources: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = cast(forms.ModelChoiceField, self.fields["source"])
        source.required = False
        source.empty_label = "Choose a source…"
        # Sources grouped by kind, so an anonymous group is never picked by mistake for a person.
        sources = Source.objects.order_by("kind", "name")
        groups: dict[str, list[tuple[int, str]]] = {}
        for item in sources:
            groups.setdefault(item.get_kind_display(), []).append((item.pk, str(item)))
        source.choices = [("", source.empty_label), *groups.items()]
        article = cast(forms.ModelChoiceField, self.fields["article"])
        article.queryset = _article_choices()
        article.empty_label = "Not recorded"
        granted_by = cast(forms.ModelChoiceField, self.fields["granted_by"])
        granted_by.queryset = Outlet.objects.order_by("name")
        granted_by.empty_label = "Not stated"
        self.can_add_sources = can_add_sources
        if not can_add_sources:
            for name in self.NEW_SOURCE_FIELDS:
                del self.fields[name]

    @property
    def starts_open(self) -> bool:
        """Shown expanded: an existing attribution, the claimant of a new claim, or one
        the person has filled in. Blank extras start folded to keep the page short."""
        return (
            bool(self.instance.pk)
            or self.initial.get("role") == AttributionRole.CLAIMANT
            or (self.is_bound and self.has_changed())
        )

    @property
    def new_source_used(self) -> bool:
        return self.is_bound and any(
            self[name].value() or self[name].errors for name in self.NEW_SOURCE_FIELDS if name in self.fields
        )

    def caveat_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CAVEAT_FIELDS]

    def new_source_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.NEW_SOURCE_FIELDS if name in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new_name = (data.get("new_source_name") or "").strip()
        if data.get("source") and new_name:
            self.add_error("new_source_name", "Choose an existing source or name a new one, not both.")
        elif not data.get("source") and not new_name:
            self.add_error("source", "Choose the source, or add a new one below.")
        elif new_name and not data.get("new_source_kind"):
            self.add_error("new_source_kind", "Say what kind of source this is.")
        return data

    def new_source(self) -> dict[str, Any] | None:
        """What to create for a source not yet in the tracker, or None."""
        name = (self.cleaned_data.get("new_source_name") or "").strip()
        if not name:
            return None
        return {
            "kind": self.cleaned_data["new_source_kind"],
            "name": name,
            "title": self.cleaned_data.get("new_source_title", ""),
        }

    def service_values(self, *, changed_only: bool) -> dict[str, Any]:
        names = self.changed_data if changed_only else self.cleaned_data
        return {
            name: self.cleaned_data[name]
            for name in names
            if name in ATTRIBUTION_FIELDS and not (name == "source" and self.cleaned_data[name] is None)
        }


class BaseAttributionFormSet(BaseInlineFormSet):
    """A claim's attributions: exactly one claimant, the source that made the claim."""

    default_error_messages = {  # Django merges these along the class tree
        "too_many_forms": "A claim takes at most %(num)d attributions on this form; send fewer.",
    }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs["can_add_sources"] = bool(self.user and self.user.has_perm("sources.add_source"))
        return kwargs

    def kept_forms(self) -> list[AttributionForm]:
        """Forms that stand for an attribution after saving: existing ones not deleted,
        and new ones that were filled in (blank extra forms have no cleaned data)."""
        return [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


# The most attributions one claim form takes. The form count comes from the request
# (`attributions-TOTAL_FORMS`), so without a cap a single post could ask the server to
# build and render thousands of forms; past the cap the form says so instead.
MAX_ATTRIBUTION_FORMS = 50


def attribution_formset(extra: int) -> type[BaseAttributionFormSet]:
    return inlineformset_factory(  # type: ignore[return-value]  # the factory's result subclasses `formset`
        Claim,
        Attribution,
        form=AttributionForm,
        formset=BaseAttributionFormSet,
        extra=extra,
        can_delete=True,
        min_num=0,
        max_num=MAX_ATTRIBUTION_FORMS,
        absolute_max=MAX_ATTRIBUTION_FORMS,
        validate_max=True,
    )


class ClaimFilterForm(forms.Form):
    """The claim list's search box, filters and ordering (all optional, from the URL)."""

    QUEUES = [
        ("", "All claims"),
        ("mine", "Assigned to me"),
        ("unassigned", "Unassigned"),
        ("awaiting_review", "Awaiting my review"),
        ("rechecks_due", "Re-checks due"),
        ("already_checked", "Checked elsewhere"),
    ]
    ORDERINGS = [
        ("", "Recently changed"),
        ("priority", "Most check-worthy"),
        ("newest", "Newest first"),
        ("oldest", "Oldest first"),
    ]

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Words, “a phrase”, -exclude"}),
    )
    queue = forms.ChoiceField(label="Queue", choices=QUEUES, required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "Any status"), *Status.choices], required=False)
    priority = forms.TypedChoiceField(
        label="Check-worthiness",
        choices=[("", "Any"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    assignee = forms.ChoiceField(label="Assignee", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)
    anonymous = forms.ChoiceField(
        label="Sourcing",
        choices=[("", "Any sourcing"), ("yes", "Rests on anonymous sources"), ("no", "Named sources only")],
        required=False,
    )
    ordering = forms.ChoiceField(label="Order", choices=ORDERINGS, required=False)

    def __init__(self, *args: Any, assignees: Iterable[Any] = (), tags: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody"),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in assignees),
        ]
        cast(forms.ChoiceField, self.fields["tag"]).choices = [("", "Any tag"), *((tag, tag) for tag in tags)]
