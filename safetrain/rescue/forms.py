"""Forms of the rescue pages (they parse; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetrain.rescue.models import TeamKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeamForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    name = forms.CharField(
        label=_("Team name (contracted: the contracted team's name)"), max_length=128
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    established_on = forms.DateField(
        label=_("Established on (own team)"), required=False, widget=DATE
    )
    agreement_number = forms.CharField(
        label=_("Agreement number (contracted)"), max_length=64, required=False
    )
    agreement_start = forms.DateField(
        label=_("Agreement from (contracted)"), required=False, widget=DATE
    )
    agreement_end = forms.DateField(
        label=_("Agreement until (contracted)"), required=False, widget=DATE
    )


class MemberForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    duty = forms.CharField(label=_("Duty"), max_length=32, initial="队员")
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)


class QualificationForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"))
    name = forms.CharField(label=_("Qualification"), max_length=64, initial="矿山救护队员证")
    number = forms.CharField(label=_("Certificate number"), max_length=64, required=False)
    issued_on = forms.DateField(label=_("Certificate issued on"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(pk), label) for pk, label in members]


class DrillForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    subject = forms.CharField(label=_("Subject"), max_length=128)
    participants = forms.MultipleChoiceField(
        label=_("Participants"), required=False, widget=forms.CheckboxSelectMultiple
    )
    participant_count = forms.IntegerField(
        label=_("Number of participants (empty: those ticked)"), required=False, min_value=1
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), label) for pk, label in members]
