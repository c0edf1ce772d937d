from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetrain.audit.models import AuditEventKind, AuditResult
from safetrain.audit.services import MIN_REASON


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    event = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", "—"), *AuditEventKind.choices]
    )
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", "—"), *AuditResult.choices]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing the full ID number and phone"),
        min_length=MIN_REASON,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Recorded in the audit log with your name, the time and your IP address."),
    )
