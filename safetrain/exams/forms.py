"""Forms for the organiser's pages: create an exam (rule or fixed paper, candidates by group)
and start a spot-check exam."""

from __future__ import annotations

from typing import Any

from django import forms

from safetrain.exams.bank import TYPE_LABELS
from safetrain.records.models import ExamPurpose

TYPE_CHOICES = [("", "不限")] + [(v, v) for v in TYPE_LABELS.values()]
ROLE_CHOICES = [
    ("principal", "主要负责人"),
    ("deputy", "分管负责人"),
    ("safety_manager", "安全生产管理人员"),
    ("worker", "一线操作人员"),
]
DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExamForm(forms.Form):
    title = forms.CharField(label="考试名称", max_length=128)
    purpose = forms.ChoiceField(
        label="考试类型", choices=[c for c in ExamPurpose.choices if c[0] != "spot_check"]
    )
    pass_mark = forms.DecimalField(
        label="及格分（满分 100）", initial=80, min_value=1, max_value=100
    )
    duration_minutes = forms.IntegerField(label="考试时长（分钟）", initial=60, min_value=1)
    opens_at = forms.DateTimeField(label="开始时间", widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label="截止时间", widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    attempt_limit = forms.IntegerField(label="可考次数", initial=1, min_value=1, max_value=10)
    rule_type = forms.ChoiceField(label="题型", choices=TYPE_CHOICES, required=False)
    rule_topic = forms.CharField(label="知识类别（可空）", required=False)
    rule_difficulty = forms.ChoiceField(
        label="难度",
        choices=[("", "不限"), ("易", "易"), ("中", "中"), ("难", "难")],
        required=False,
    )
    rule_count = forms.IntegerField(label="抽题数", initial=50, min_value=1, max_value=500)
    rule_points = forms.DecimalField(label="每题分值", initial=2, min_value=0.1, max_value=100)
    rule_handbook = forms.ChoiceField(label="只从应知应会手册抽题（可空）", required=False)
    roles = forms.MultipleChoiceField(
        label="按人员类别选考生",
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    job_type = forms.ChoiceField(label="按工种选考生", required=False)
    org_unit = forms.ChoiceField(label="按部门选考生", required=False)

    def __init__(self, *args: Any, job_types: list[Any], org_units: list[Any], **kw: Any):
        super().__init__(*args, **kw)
        job = self.fields["job_type"]
        unit = self.fields["org_unit"]
        assert isinstance(job, forms.ChoiceField) and isinstance(unit, forms.ChoiceField)
        job.choices = [("", "不限")] + [(str(j.pk), j.name) for j in job_types]
        handbook = self.fields["rule_handbook"]
        assert isinstance(handbook, forms.ChoiceField)
        handbook.choices = [("", "不限（全部可用题库）")] + _handbook_choices()
        unit.choices = [("", "不限")] + [(str(u.pk), u.name) for u in org_units]


class SpotCheckForm(forms.Form):
    question_count = forms.IntegerField(label="题数", initial=10, min_value=1, max_value=100)
    duration_minutes = forms.IntegerField(
        label="时长（分钟）", initial=15, min_value=1, max_value=120
    )


def _handbook_choices() -> list[tuple[str, str]]:
    """Must-know handbooks a rule may draw from (safetrain.handbooks; docs/handbooks.md)."""
    from safetrain.handbooks.selectors import handbook_list

    return [
        (str(h.pk), f"{h.sector.name}·{h.job_type.name if h.job_type else '行业通用'}：{h.title}")
        for h in handbook_list()[:300]
    ]
