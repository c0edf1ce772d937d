"""Forms of the handbook pages (they parse; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetrain.catalog.models import JobType, Sector


class HandbookForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    job_type = forms.ModelChoiceField(
        label=_("Job type (empty: the sector's common handbook)"),
        queryset=JobType.objects.select_related("sector").all(),
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=128)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)


class ItemForm(forms.Form):
    order = forms.IntegerField(
        label=_("Order (empty: after the last)"), required=False, min_value=1
    )
    title = forms.CharField(label=_("Title"), max_length=128)
    body = forms.CharField(label=_("Item text"), widget=forms.Textarea(attrs={"rows": 5}))
    questions = forms.CharField(
        label=_("Question numbers in the bank (comma separated)"), required=False
    )

    def question_ids(self) -> list[str]:
        raw = self.cleaned_data.get("questions", "") or ""
        return [p for p in raw.replace("，", ",").replace(" ", ",").split(",") if p.strip()]
