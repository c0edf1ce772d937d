"""Forms of the record pages. They only parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from safetrain.catalog.models import AreaType
from safetrain.core.dates import today
from safetrain.people.models import Person
from safetrain.records.models import (
    Channel,
    ExamPurpose,
    IncidentType,
    TrainingKind,
    TrainingLevel,
    ViolationType,
)

DATE = forms.DateInput(attrs={"type": "date"})


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.id_number_masked}）"


class PersonsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.id_number_masked}）"


class _Base(forms.Form):
    date = forms.DateField(label="日期", widget=DATE, initial=today)


class TrainingForm(_Base):
    """Enterprise admins pick from the roster (one person, or many for one session); bureaus
    enter ID numbers, one per line."""

    persons = PersonsChoice(
        label="参训人员",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="选择一人即单人登记；选择多人即同一场培训的批量登记。",
    )
    id_numbers = forms.CharField(
        label="参训人员身份证号",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text="每行一个身份证号；培训计入各人培训当日所在的企业。",
    )
    hours = forms.CharField(label="学时", help_text="1 学时 = 45 分钟，最多一位小数，如 8 或 2.5")
    kind = forms.ChoiceField(label="培训类型", choices=TrainingKind.choices)
    level = forms.ChoiceField(
        label="培训层级",
        required=False,
        choices=[("", "（不分层级）"), *TrainingLevel.choices],
        help_text="仅岗前培训分公司级、车间级、班组级。",
    )
    title = forms.CharField(label="培训名称", max_length=128)
    channel = forms.ChoiceField(
        label="培训方式",
        choices=[(Channel.OFFLINE, Channel.OFFLINE.label), (Channel.ONLINE, Channel.ONLINE.label)],
    )

    def __init__(self, *args: Any, roster: QuerySet[Person] | None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.order_fields(["persons", "id_numbers", "date"])
        if roster is not None:
            self.fields["persons"].queryset = roster  # type: ignore[attr-defined]
            del self.fields["id_numbers"]
        else:
            del self.fields["persons"]

    def id_number_lines(self) -> list[str]:
        text = self.cleaned_data.get("id_numbers", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class ExamForm(_Base):
    person = PersonChoice(label="人员", queryset=Person.objects.none())
    purpose = forms.ChoiceField(label="考试类型", choices=ExamPurpose.choices)
    score = forms.CharField(label="成绩")
    pass_mark = forms.CharField(label="及格分", initial="80")
    title = forms.CharField(label="考试名称", max_length=128, required=False)

    def __init__(self, *args: Any, roster: QuerySet[Person], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.order_fields(["person", "date"])
        self.fields["person"].queryset = roster  # type: ignore[attr-defined]


class ViolationForm(_Base):
    person = PersonChoice(label="人员", queryset=Person.objects.none())
    type = forms.ChoiceField(label="三违类型", choices=ViolationType.choices)
    text = forms.CharField(label="描述", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, roster: QuerySet[Person], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.order_fields(["person", "date"])
        self.fields["person"].queryset = roster  # type: ignore[attr-defined]


class DrillForm(_Base):
    area_type = forms.ChoiceField(label="区域类型", choices=AreaType.choices)
    title = forms.CharField(label="演练名称", max_length=128)
    participants = forms.CharField(label="参加人数")


class IncidentForm(_Base):
    credit_code = forms.CharField(label="企业统一社会信用代码", max_length=18)
    type = forms.ChoiceField(label="类型", choices=IncidentType.choices)
    text = forms.CharField(label="描述", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, own_enterprise: bool, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.order_fields(["credit_code", "date"])
        if own_enterprise:
            del self.fields["credit_code"]
