"""Forms of the session and plan pages (they parse; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetrain.catalog.models import JobType, RoleCategory
from safetrain.classes.models import AUDIENCES_BY_ORGANISER, Audience, GroupKind
from safetrain.people.models import User
from safetrain.records.models import TrainingKind, TrainingLevel

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=128)
    audience = forms.ChoiceField(label=_("Audience"))
    kind = forms.ChoiceField(label=_("Training kind"), choices=TrainingKind.choices)
    level = forms.ChoiceField(
        label=_("Level (pre-job three-level training only)"),
        choices=[("", "—"), *TrainingLevel.choices],
        required=False,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )
    hours = forms.DecimalField(
        label=_("Hours (学时, 45 minutes each)"), max_digits=5, decimal_places=1
    )
    trainer = forms.ModelChoiceField(
        label=_("Trainer account"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    trainer_name = forms.CharField(label=_("Trainer name"), max_length=64, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=128, required=False)

    def __init__(self, *args: Any, organiser: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = AUDIENCES_BY_ORGANISER[organiser]
        self.fields["audience"].choices = [  # type: ignore[attr-defined]
            (a.value, a.label) for a in Audience if a.value in allowed
        ]
        self.fields["trainer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role="trainer", is_active=True
        ).order_by("username")


class RosterAddForm(forms.Form):
    id_numbers = forms.CharField(
        label=_("ID numbers, one per line"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
    )
    venue = forms.ChoiceField(label=_("Classroom"), required=False)

    def __init__(
        self, *args: Any, venues: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if venues:
            self.fields["venue"].choices = [("", _("Main classroom")), *venues]  # type: ignore[attr-defined]
        else:
            del self.fields["venue"]


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Classroom name"), max_length=128)
    region = forms.ChoiceField(label=_("County"))
    is_main = forms.BooleanField(label=_("Main classroom (主课堂)"), required=False)
    address = forms.CharField(label=_("Address"), max_length=128, required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "venue")
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=128, required=False)


class PlanItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=128)
    group = forms.ChoiceField(label=_("Group"), choices=GroupKind.choices)
    job_type = forms.ModelChoiceField(
        label=_("Job type"), queryset=JobType.objects.none(), required=False, empty_label="—"
    )
    org_unit = forms.ChoiceField(label=_("Org unit"), required=False)
    role_category = forms.ChoiceField(
        label=_("Role category"), choices=[("", "—"), *RoleCategory.choices], required=False
    )
    target = forms.ChoiceField(label=_("Session or course"))
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        org_units: list[tuple[int, str]],
        targets: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job_type"].queryset = JobType.objects.order_by(  # type: ignore[attr-defined]
            "sector_id", "name"
        )
        self.fields["org_unit"].choices = [("", "—"), *org_units]  # type: ignore[attr-defined]
        self.fields["target"].choices = targets  # type: ignore[attr-defined]
