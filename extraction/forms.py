"""Reviewer-page forms: paste a story (or give its URL), then accept each suggestion
with the claim's form pre-filled — its attributions with their caveat records, in the
same form the claim pages use — or dismiss it with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import inlineformset_factory

from claims.forms import AttributionForm, BaseAttributionFormSet
from claims.models import Addresses, Attribution, Claim, Priority, RelationKind
from extraction.extractor import MAX_CHARS
from extraction.proposals import OfferedRelation


class ExtractionForm(forms.Form):
    text = forms.CharField(
        label="Paste the story",
        required=False,
        strip=False,  # the suggestions point into the text as it was pasted
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=f"Its text, with a blank line between paragraphs (at most {MAX_CHARS:,} characters).",
    )
    url = forms.URLField(
        label="…or give its address",
        required=False,
        max_length=2048,
        assume_scheme="https",
        help_text="The page is fetched in the background and its article text read.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, url = (data.get("text") or "").strip(), data.get("url")
        if text and url:
            self.add_error("url", "Paste the text or give the address, not both.")
        elif not text and not url and not self.errors:
            self.add_error("text", "Paste the story's text, or give its address below.")
        return data


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why dismiss it?",
        max_length=2000,
        help_text="An opinion, a schedule, not worth checking, already checked…",
    )


class SuggestionClaimForm(forms.Form):
    """The claim, pre-filled with the suggestion."""

    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The proposition restated neutrally, as one checkable sentence.",
    )
    quote = forms.CharField(
        label="Verbatim quote", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    context = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    priority = forms.TypedChoiceField(
        label="Check-worthiness", choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    tags = forms.CharField(required=False, max_length=500, help_text="Separated by commas: russia, iran, intelligence.")
    url = forms.URLField(
        label="Where it was published",
        required=False,
        max_length=2048,
        assume_scheme="https",
        help_text="The story's address, if it has one; without it the story is kept as pasted text.",
    )
    title = forms.CharField(label="Its headline", required=False, max_length=1000)

    def __init__(self, *args: Any, asks_where: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not asks_where:  # the story is already an article (fetched, or kept by an earlier decision)
            del self.fields["url"]
            del self.fields["title"]

    def claim_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        tags = [t.strip() for t in data.get("tags", "").split(",") if t.strip()]
        return {
            "statement": data["statement"],
            "quote": data.get("quote", ""),
            "context": data.get("context", ""),
            "priority": data["priority"],
            "tags": tags,
        }


class SuggestedAttributionForm(AttributionForm):
    """An attribution of the claim to be recorded, pre-filled from the suggestion; it
    remembers which suggested attribution it stands for (linked to its sentence)."""

    suggested = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The story being read is the article each attribution appears in.
        del self.fields["article"]

    @property
    def starts_open(self) -> bool:
        return self.initial.get("suggested") is not None or super().starts_open


def suggested_attribution_formset(suggested: int) -> type[BaseAttributionFormSet]:
    """The suggested attributions (each required unless left out) and one more, blank."""
    return inlineformset_factory(  # type: ignore[return-value]
        Claim,
        Attribution,
        form=SuggestedAttributionForm,
        formset=BaseAttributionFormSet,
        extra=1,
        min_num=suggested,
        validate_min=False,
        can_delete=True,
    )


class RelationForm(forms.Form):
    """A suggested relation, for the person to keep or not, judging what it addresses."""

    keep = forms.BooleanField(required=False)
    addresses = forms.ChoiceField(choices=[("", "—"), *Addresses.choices], required=False)

    def __init__(self, *args: Any, offered: OfferedRelation, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"relation-{offered.index}")
        kwargs.setdefault("initial", {"addresses": offered.addresses or ""})
        super().__init__(*args, **kwargs)
        self.offered = offered
        other = offered.other_claim
        self.fields["keep"].label = _relation_label(offered)
        self.fields["addresses"].label = "It addresses the same proposition"
        if other is None:
            self.fields["keep"].disabled = True
            self.fields["addresses"].disabled = True
        if offered.kind != RelationKind.RESPONDS_TO:
            del self.fields["addresses"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keep") and "addresses" in self.fields and not data.get("addresses"):
            self.add_error("addresses", "Say whether the response addresses the same proposition.")
        return data

    def kept(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("keep"):
            return None
        return {"relation": self.offered.index, "addresses": self.cleaned_data.get("addresses", "")}


def _relation_label(offered: OfferedRelation) -> str:
    other = offered.other
    kind = RelationKind(offered.kind).label.lower() if offered.kind in RelationKind.values else offered.kind
    target = f"claim #{offered.other_claim.pk}" if offered.other_claim else f"suggestion {other.position}"
    if offered.outgoing:
        return f"Record that this claim {kind} {target}"
    return f"Record that {target} {kind} this claim"
