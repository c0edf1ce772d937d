"""HTML forms for certificate entry, review and renewal. They only parse; the services decide."""

from __future__ import annotations

from django import forms

from safetrain.catalog.models import SpecialOperation
from safetrain.certificates.models import CertificateType

DATE = forms.DateInput(attrs={"type": "date"})


def operation_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", "——（安全生产知识和管理能力考核合格证不填）——")]
    for op in SpecialOperation.objects.order_by("ordering"):
        choices.append((op.code, f"{op.code} {op.category_name}·{op.name}"))
    return choices


class CertificateForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=18)
    cert_type = forms.ChoiceField(label="证书类型", choices=CertificateType.choices)
    operation = forms.ChoiceField(label="作业类别", required=False, choices=())
    number = forms.CharField(label="证书编号", max_length=64)
    issuing_authority = forms.CharField(label="发证机关", max_length=128, required=False)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    valid_until = forms.DateField(
        label="有效期至", required=False, widget=DATE, help_text="不填：按规定默认"
    )
    review_due = forms.DateField(
        label="复审日期", required=False, widget=DATE, help_text="不填：按规定默认"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["operation"].choices = operation_choices()  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    passed_on = forms.DateField(label="复审通过日期", widget=DATE)
    hours = forms.DecimalField(
        label="复审培训学时", max_digits=5, decimal_places=1, required=False, min_value=0
    )
    notes = forms.CharField(label="备注", max_length=255, required=False)


class RenewForm(forms.Form):
    number = forms.CharField(label="新证编号", max_length=64)
    issuing_authority = forms.CharField(label="发证机关", max_length=128, required=False)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    valid_until = forms.DateField(
        label="有效期至", required=False, widget=DATE, help_text="不填：按规定默认"
    )
    review_due = forms.DateField(
        label="复审日期", required=False, widget=DATE, help_text="不填：按规定默认"
    )
