"""Forms of the web pages. Validation of the data itself stays in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from safetrain.catalog.selectors import sector_list
from safetrain.people.services import CREATABLE_BY
from safetrain.regions.selectors import county_list, region_list
from safetrain.web import labels
from safetrain.web.nav import effective_role


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _region_choices(codes: list[str] | None, *, counties_only: bool) -> list[tuple[str, str]]:
    qs = county_list() if counties_only else region_list()
    return [
        (r.code, labels.region_name(r.code, r.name)) for r in qs if codes is None or r.code in codes
    ]


def _sector_choices() -> list[tuple[str, str]]:
    return [(s.code, labels.sector_name(s.name, s.name_en)) for s in sector_list()]


class EnterpriseForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    name = forms.CharField(label=_("Enterprise name"), max_length=128)
    region = forms.ChoiceField(label=_("County"))
    sector = forms.ChoiceField(label=_("Sector"))
    area_types = forms.MultipleChoiceField(
        label=_("Area types"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, region_codes: list[str] | None, editing: bool, **kw: Any):
        super().__init__(*args, **kw)
        _choice_field(self, "region").choices = _region_choices(region_codes, counties_only=True)
        _choice_field(self, "sector").choices = _sector_choices()
        _choice_field(self, "area_types").choices = [
            (code, str(text)) for code, text in labels.AREA_TYPES.items()
        ]
        if editing:
            self.fields["credit_code"].disabled = True


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or full ID number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )


class LookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "140502…"}),
    )


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("Display name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    region = forms.ChoiceField(
        label=_("Region (city or county administrators, inspectors)"), required=False
    )
    enterprise = forms.ChoiceField(
        label=_("Enterprise (enterprise administrators)"), required=False
    )
    id_number = forms.CharField(
        label=_("ID number (workers: a person on your roster)"), max_length=18, required=False
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def __init__(
        self,
        *args: Any,
        viewer: Any,
        region_codes: list[str] | None,
        enterprises: list[tuple[str, str]],
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        _choice_field(self, "role").choices = [
            (code, str(labels.ROLES[code])) for code in creatable_roles(viewer)
        ]
        _choice_field(self, "region").choices = [("", "—")] + _region_choices(
            region_codes, counties_only=False
        )
        _choice_field(self, "enterprise").choices = [("", "—")] + enterprises
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


# The admin above creates the accounts below it (DESIGN §1); an enterprise admin creates the
# accounts of workers on its own roster.
WEB_CREATABLE = {
    "city_admin": [
        "city_admin",
        "county_admin",
        "enterprise_admin",
        "inspector",
        "trainer",
        "worker",
    ],
    "county_admin": ["enterprise_admin", "inspector", "trainer", "worker"],
    "enterprise_admin": ["worker"],
}


def creatable_roles(viewer: Any) -> list[str]:
    role = effective_role(viewer)
    allowed = CREATABLE_BY.get(role, set())
    return [r for r in WEB_CREATABLE.get(role, []) if r in allowed]
