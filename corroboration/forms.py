from __future__ import annotations

from django import forms

from corroboration.models import Stance


class StanceForm(forms.Form):
    stance = forms.ChoiceField(choices=Stance.choices)


class CoverageUrlForm(forms.Form):
    url = forms.URLField(
        label="Add coverage by URL",
        max_length=2048,
        assume_scheme="https",
        help_text="A page about this claim. It is fetched in the background, then matched to the claim.",
    )
