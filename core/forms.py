"""What every reviewer-page form shares: turning a service's refusal into errors shown
next to the fields it concerns."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.services import Conflict


def error_messages(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError's messages by field name (NON_FIELD_ERRORS for the rest)."""
    if hasattr(exc, "error_dict"):
        return {name: [m for error in errors for m in error.messages] for name, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: exc.messages}


def add_service_errors(form: forms.BaseForm, exc: ValidationError, *, renamed: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: messages about a field the form
    has go next to that field (after `renamed` maps the service's names to the form's),
    the rest at the top of the form."""
    for name, messages in error_messages(exc).items():
        name = (renamed or {}).get(name, name)
        form.add_error(name if name in form.fields else None, messages)


class VersionField(forms.IntegerField):
    """The claim version the person saw. Services refuse a change made against a
    version someone else has since replaced, and say who changed it and when."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        super().__init__(min_value=1, required=True, **kwargs)  # type: ignore[arg-type]


def attempt(form: forms.BaseForm, call: Callable[[], object]) -> bool:
    """Run a service call for a valid form, and put its refusal on the form: a
    ValidationError next to the fields it names, a Conflict (someone else saved first)
    at the top. Whether the call went through."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except Conflict as exc:
        form.add_error(None, str(exc))
        # The page offers to reload what changed (templates/includes/form_errors.html).
        form.conflict = exc  # type: ignore[attr-defined]
        return False
    return True


# --- The second factor (core/second_factor.py) --------------------------------------------


class AppCodeForm(forms.Form):
    """The code an authenticator app shows: six digits, typed or filled in by the browser."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=16,
        help_text="Six digits; the app shows a new one every 30 seconds.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class RecoveryCodeForm(forms.Form):
    """One of the account's recovery codes, for when the phone is not at hand. Letters
    and digits, so the keyboard is not limited to numbers."""

    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=16,
        help_text="Eight letters and digits, as in abcd-efgh. Each code works once.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )
