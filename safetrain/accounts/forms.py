"""Forms of the sign-in, second-factor and password pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safetrain.people.auth import resolve_account

from .throttle import is_locked, throttle_key

LOCKED_MESSAGE = _(
    "Too many failed attempts: this account is locked for 30 minutes. "
    "Try again later, or ask your administrator for a password reset."
)


class SignInForm(AuthenticationForm):
    """Django's login form (field names username/password kept) with our labels and the lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username / ID number / mobile phone")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = _("Password")

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            username = self.cleaned_data.get("username") or ""
            if username and is_locked(throttle_key(username, resolve_account(username))):
                raise ValidationError(LOCKED_MESSAGE, code="locked") from None
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class ForgotForm(forms.Form):
    identifier = forms.CharField(label=_("Username or mobile phone"), max_length=150)


class _NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ResetForm(_NewPasswordMixin):
    identifier = forms.CharField(label=_("Username or mobile phone"), max_length=150)
    code = forms.CharField(
        label=_("Reset code from your administrator"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    field_order = ["identifier", "code", "password1", "password2"]
