"""Forms of the course pages. They only shape input; the services validate and decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetrain.catalog.models import JobType, RoleCategory, Sector
from safetrain.courses import labels
from safetrain.courses.services import QUIZ_KEYS, QuestionSpec
from safetrain.records.models import TrainingKind
from safetrain.web.labels import ROLE_CATEGORIES


def _choices(form: forms.Form, name: str) -> Any:
    """The form's choice field (typed loosely: django-stubs types form.fields as Field)."""
    return form.fields[name]


def sector_choices() -> list[tuple[str, str]]:
    from safetrain.web.labels import sector_name

    return [(s.code, sector_name(s.name, s.name_en)) for s in Sector.objects.all()]


def job_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for jt in JobType.objects.select_related("sector"):
        groups.setdefault(jt.sector.name, []).append((jt.code, jt.name))
    return list(groups.items())


def topic_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in labels.TOPICS.items()]


def role_choices() -> list[tuple[str, str]]:
    return [(code, str(ROLE_CATEGORIES.get(code, code))) for code in RoleCategory.values]


class MarketFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    job_type = forms.ChoiceField(label=_("Job type"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    hours = forms.ChoiceField(label=_("Hours"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        _choices(self, "sector").choices = everything + sector_choices()
        _choices(self, "job_type").choices = everything + job_type_choices()
        _choices(self, "topic").choices = everything + topic_choices()
        _choices(self, "hours").choices = everything + [
            (code, band[2]) for code, band in labels.HOUR_BANDS.items()
        ]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Course, job type, keyword…")}
        )


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=128)
    summary = forms.CharField(
        label=_("Course summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    topic = forms.ChoiceField(label=_("Topic"))
    hours = forms.CharField(
        label=_("Hours (学时)"), help_text=_("One decimal place; 1 hour = 45 minutes of study.")
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple
    )
    job_types = forms.MultipleChoiceField(
        label=_("Job types"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("A job type adds its sector. None: the course is for every job type."),
    )
    role_categories = forms.MultipleChoiceField(
        label=_("Role categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    published = forms.BooleanField(label=_("Published (workers can see and enrol)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "topic").choices = topic_choices()
        _choices(self, "sectors").choices = sector_choices()
        _choices(self, "job_types").choices = job_type_choices()
        _choices(self, "role_categories").choices = role_choices()


class LessonForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Lesson title"), max_length=128, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    minutes = forms.IntegerField(label=_("Duration (minutes)"), required=False, min_value=1)
    body = forms.CharField(
        label=_("Text (HTML: paragraphs, headings, lists, emphasis, tables, links)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    file = forms.FileField(
        label=_("File (PDF for a PDF lesson; MP4 or WebM for a video lesson)"), required=False
    )
    DELETE = forms.BooleanField(label=_("Remove this lesson"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "kind").choices = [(k, str(v)) for k, v in labels.LESSON_KINDS.items()]

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not data.get("id") and not (data.get("title") or "").strip() and not data.get("file")


LessonFormSet = forms.formset_factory(LessonForm, extra=1, max_num=100)


QUIZ_HELP = _(
    "One question per block, blocks separated by an empty line: the stem on the first line, "
    "then one option per line starting with its letter (A. …), then a line 答案：B (or ABD for "
    "several), optionally a line 解析：…"
)


def parse_quiz(text: str) -> tuple[list[QuestionSpec], list[str]]:
    """Parse the quiz text box into questions; errors name the question number and the reason."""
    questions: list[QuestionSpec] = []
    errors: list[str] = []
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (text or "").strip()) if b.strip()]
    option = re.compile(rf"^([{QUIZ_KEYS}])\s*[\.．、:：)）]\s*(.+)$", re.IGNORECASE)
    answer_re = re.compile(r"^(?:答案|answer)\s*[:：]\s*([A-Fa-f]+)\s*$", re.IGNORECASE)
    explain_re = re.compile(r"^(?:解析|explanation)\s*[:：]\s*(.*)$", re.IGNORECASE)
    for n, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        stem, choices, answer, explanation = lines[0], [], "", ""
        for line in lines[1:]:
            if m := answer_re.match(line):
                answer = m.group(1).upper()
            elif m := explain_re.match(line):
                explanation = m.group(1)
            elif m := option.match(line):
                choices.append(m.group(2))
            else:
                stem += " " + line
        if not answer:
            errors.append(
                str(_("Question %(n)d: no line 答案：… with the answer letters.") % {"n": n})
            )
        if len(choices) < 2:
            errors.append(str(_("Question %(n)d: at least two options (A. …, B. …).") % {"n": n}))
        questions.append(
            QuestionSpec(stem=stem, choices=choices, answer=list(answer), explanation=explanation)
        )
    return questions, errors


def quiz_text(course: Any) -> str:
    blocks = []
    for q in course.quiz_questions.prefetch_related("choices"):
        choices = list(q.choices.all())
        lines = [q.stem] + [f"{c.key}. {c.text}" for c in choices]
        lines.append("答案：" + "".join(c.key for c in choices if c.correct))
        if q.explanation:
            lines.append("解析：" + q.explanation)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class QuizForm(forms.Form):
    questions = forms.CharField(
        label=_("Questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=QUIZ_HELP,
    )
    pass_mark = forms.CharField(label=_("Pass mark (percent)"), initial="80")


class AssignForm(forms.Form):
    course = forms.TypedChoiceField(label=_("Course"), coerce=int)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    training_kind = forms.ChoiceField(label=_("Training kind written on completion"))
    job_types = forms.MultipleChoiceField(
        label=_("Job types (current post)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    org_unit = forms.TypedChoiceField(
        label=_("Org unit (and the units under it)"), required=False, coerce=int, empty_value=None
    )
    role_categories = forms.MultipleChoiceField(
        label=_("Role categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    hired_since = forms.DateField(
        label=_("New hires: employed on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args: Any, courses: list[Any], org_units: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _choices(self, "course").choices = [(c.pk, f"{c.title}（{c.hours} 学时）") for c in courses]
        _choices(self, "training_kind").choices = [(k, label) for k, label in TrainingKind.choices]
        self.fields["training_kind"].initial = TrainingKind.CONTINUING
        _choices(self, "job_types").choices = job_type_choices()
        _choices(self, "org_unit").choices = [("", _("Any"))] + list(org_units)
        _choices(self, "role_categories").choices = role_choices()
