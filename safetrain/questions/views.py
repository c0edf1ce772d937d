"""Question-bank pages: banks, question browse and edit (trainers and admins), practice, mock
exams and the wrong-answer book (everyone, phone first). Thin: selectors and services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safetrain.catalog.models import JobType, Sector
from safetrain.core.errors import Conflict, ServiceError
from safetrain.questions import practice as svc
from safetrain.questions.models import (
    CHOICE_KEYS,
    Difficulty,
    QuestionType,
    QuestionVersion,
)
from safetrain.questions.selectors import (
    bank_get,
    bank_list,
    can_manage_banks,
    question_get,
    question_list,
)
from safetrain.questions.services import (
    bank_ensure,
    question_create,
    question_edit,
    question_retire,
    validate_content,
)
from safetrain.questions.sheets import parse_answer

PAGE_SIZE = 30


def _manager(request: HttpRequest) -> Any:
    if not can_manage_banks(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only trainers and administrators manage question banks."))
    return request.user


def _int(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


# ---------------------------------------------------------------- banks and questions


@login_required
def bank_list_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    banks = list(bank_list(viewer=user))
    manage_ids = set(bank_list(viewer=user, manage=True).values_list("pk", flat=True))
    return render(
        request,
        "questions/banks.html",
        {
            "banks": banks,
            "manage_ids": manage_ids,
            "can_manage": can_manage_banks(user),
            "wrong_count": len(svc.wrong_book_list(user=user)),
            "recent_mocks": list(user.mock_exams.select_related("bank")[:5]),
            "sectors": Sector.objects.all(),
            "job_types": JobType.objects.select_related("sector"),
        },
    )


@login_required
def bank_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _manager(request)
    bank = bank_get(viewer=user, pk=pk)
    if bank is None:
        raise Http404
    can_edit = bank_get(viewer=user, pk=pk, manage=True) is not None
    qs = question_list(viewer=user, bank=bank)
    qtype = request.GET.get("type", "")
    difficulty = request.GET.get("difficulty", "")
    topic = request.GET.get("topic", "").strip()
    text = request.GET.get("q", "").strip()
    if qtype in QuestionType.values:
        qs = qs.filter(current__type=qtype)
    if difficulty in Difficulty.values:
        qs = qs.filter(current__difficulty=difficulty)
    if topic:
        qs = qs.filter(current__topic=topic)
    if text:
        qs = qs.filter(Q(current__stem__icontains=text) | Q(current__explanation__icontains=text))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    topics = (
        QuestionVersion.objects.filter(question__bank=bank, question__retired=False)
        .exclude(topic="")
        .order_by("topic")
        .values_list("topic", flat=True)
        .distinct()
    )
    return render(
        request,
        "questions/bank_detail.html",
        {
            "bank": bank,
            "page": page,
            "can_edit": can_edit,
            "types": QuestionType.choices,
            "difficulties": Difficulty.choices,
            "topics": list(topics),
            "filters": {"type": qtype, "difficulty": difficulty, "topic": topic, "q": text},
        },
    )


class QuestionForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=QuestionType.choices)
    stem = forms.CharField(
        label=gettext_lazy("Stem"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    option_a = forms.CharField(label=gettext_lazy("Option A"), required=False)
    option_b = forms.CharField(label=gettext_lazy("Option B"), required=False)
    option_c = forms.CharField(label=gettext_lazy("Option C"), required=False)
    option_d = forms.CharField(label=gettext_lazy("Option D"), required=False)
    option_e = forms.CharField(label=gettext_lazy("Option E"), required=False)
    option_f = forms.CharField(label=gettext_lazy("Option F"), required=False)
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        help_text=gettext_lazy("Option letters such as B or ABD; true/false: 正确 or 错误"),
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    topic = forms.CharField(label=gettext_lazy("Topic"), required=False, max_length=64)
    difficulty = forms.ChoiceField(label=gettext_lazy("Difficulty"), choices=Difficulty.choices)

    OPTION_FIELDS = [f"option_{k.lower()}" for k in CHOICE_KEYS]

    @classmethod
    def initial_from(cls, version: QuestionVersion) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": version.type,
            "stem": version.stem,
            "explanation": version.explanation,
            "topic": version.topic,
            "difficulty": version.difficulty,
        }
        if version.type == QuestionType.TRUEFALSE:
            data["answer"] = "正确" if version.answer == ["T"] else "错误"
        else:
            data["answer"] = "".join(version.answer)
            for o, name in zip(version.options, cls.OPTION_FIELDS, strict=False):
                data[name] = o["text"]
        return data

    def content(self, *, sector: str | None, job_type: str | None) -> Any:
        d = self.cleaned_data
        answer, reason = parse_answer(d["type"], d["answer"])
        if answer is None:
            self.add_error("answer", reason)
            return None
        options = [d[name] for name in self.OPTION_FIELDS]
        content, errors = validate_content(
            type=d["type"],
            stem=d["stem"],
            options=options if d["type"] != QuestionType.TRUEFALSE else [o for o in options if o],
            answer=answer,
            explanation=d["explanation"],
            sector=sector,
            job_type=job_type,
            topic=d["topic"],
            difficulty=d["difficulty"],
        )
        for field_name, message in errors.items():
            target = {"options": "option_a", "sector": None, "job_type": None}.get(
                field_name, field_name
            )
            self.add_error(target if target in self.fields else None, message)
        return content


@login_required
def question_new_view(request: HttpRequest, bank_pk: int) -> HttpResponse:
    user = _manager(request)
    bank = bank_get(viewer=user, pk=bank_pk, manage=True)
    if bank is None:
        raise Http404
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content = form.content(
            sector=bank.sector_id, job_type=bank.job_type.code if bank.job_type else None
        )
        if content is not None:
            try:
                q = question_create(actor=user, bank=bank, content=content)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Question added."))
                return redirect("questions:question", pk=q.pk)
    return render(request, "questions/question_form.html", {"form": form, "bank": bank})


@login_required
def question_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    question = question_get(viewer=user, pk=pk)
    if question is None:
        raise Http404
    can_edit = question_get(viewer=user, pk=pk, manage=True) is not None
    versions = list(question.versions.select_related("created_by").order_by("-number"))
    form = None
    if can_edit and not question.retired:
        assert question.current is not None
        form = QuestionForm(
            request.POST or None, initial=QuestionForm.initial_from(question.current)
        )
        if request.method == "POST" and form.is_valid():
            current = question.current
            content = form.content(
                sector=current.sector_id,
                job_type=current.job_type.code if current.job_type is not None else None,
            )
            if content is not None:
                try:
                    edited = question_edit(actor=user, question=question, content=content)
                except ServiceError as exc:
                    form.add_error(None, exc.message)
                else:
                    if edited.current_id != current.pk:
                        messages.success(
                            request,
                            _("Saved as version %(n)s.") % {"n": edited.current.number},  # type: ignore[union-attr]
                        )
                    else:
                        messages.info(request, _("Nothing changed."))
                    return redirect("questions:question", pk=question.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "questions/question.html",
        {"question": question, "versions": versions, "form": form, "can_edit": can_edit},
    )


@login_required
@require_POST
def question_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    question = question_get(viewer=user, pk=pk, manage=True)
    if question is None:
        raise Http404
    question_retire(actor=user, question=question)
    messages.success(request, _("The question was taken out of the bank."))
    return redirect("questions:bank", pk=question.bank_id)


@login_required
@require_POST
def bank_new_view(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    sector = request.POST.get("sector") or None
    job = request.POST.get("job_type") or None
    if sector and not Sector.objects.filter(pk=sector).exists():
        raise Http404
    if job:
        job_obj = JobType.objects.filter(code=job).first()
        if job_obj is None:
            raise Http404
        sector = job_obj.sector_id
    try:
        bank = bank_ensure(actor=user, sector=sector, job_type=job)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("questions:banks")
    return redirect("questions:bank", pk=bank.pk)


# ---------------------------------------------------------------- practice


@login_required
@require_POST
def practice_start_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    mode = request.POST.get("mode", "")
    bank_id = _int(request.POST.get("bank"))
    bank = bank_get(viewer=user, pk=bank_id) if bank_id else None
    if bank_id and bank is None:
        raise Http404
    try:
        session = svc.practice_start(user=user, bank=bank, mode=mode)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("questions:banks")
    if request.POST.get("restart"):
        session = svc.practice_restart(user=user, session=session)
    return redirect("questions:practice", pk=session.pk)


def _label(version: QuestionVersion, position: int, text: str) -> str:
    """Options are labelled by their position on the screen (A, B, C … as shown)."""
    if version.type == QuestionType.TRUEFALSE:
        return text
    return f"{CHOICE_KEYS[position]}. {text}"


def _option_rows(
    version: QuestionVersion, given: list[str], right: list[str] | None
) -> list[dict[str, Any]]:
    rows = []
    for n, o in enumerate(version.options):
        rows.append(
            {
                "key": o["key"],
                "label": _label(version, n, o["text"]),
                "checked": o["key"] in given,
                "right": right is not None and o["key"] in right,
                "wrong": right is not None and o["key"] in given and o["key"] not in right,
            }
        )
    return rows


def _answer_text(version: QuestionVersion, keys: list[str]) -> str:
    if version.type == QuestionType.TRUEFALSE:
        return "、".join(version.option_text(k) for k in keys)
    return "".join(keys)


@login_required
def practice_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        session = svc.practice_session_get(user=user, pk=pk)
    except ServiceError as exc:
        raise Http404 from exc
    feedback = None
    error = None
    if request.method == "POST":
        qid = _int(request.POST.get("question"))
        try:
            feedback = svc.practice_answer(
                user=user,
                session=session,
                question_id=qid or 0,
                answer=request.POST.getlist("answer"),
            )
        except Conflict:
            return redirect("questions:practice", pk=session.pk)
        except ServiceError as exc:
            error = exc.message
    context: dict[str, Any] = {"session": session, "error": error}
    if feedback is not None:
        v = feedback.version
        context.update(
            feedback=feedback,
            version=v,
            options=_option_rows(v, feedback.given, feedback.right),
            right_text=_answer_text(v, feedback.right),
            given_text=_answer_text(v, feedback.given),
            multiple=v.type == QuestionType.MULTIPLE,
        )
    else:
        item = svc.practice_current(session)
        context["item"] = item
        if item is not None:
            context.update(
                version=item.version,
                options=_option_rows(item.version, [], None),
                multiple=item.version.type == QuestionType.MULTIPLE,
            )
    return render(request, "questions/practice.html", context)


@login_required
def wrong_book_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    entries = svc.wrong_book_list(user=user)
    rows = []
    for e in entries:
        v = e.question.current
        rows.append(
            {
                "entry": e,
                "version": v,
                "right_text": _answer_text(v, v.answer) if v else "",
                "given_text": _answer_text(e.last_version, e.last_answer),
            }
        )
    return render(request, "questions/wrong_book.html", {"rows": rows})


# ---------------------------------------------------------------- mock exams


@login_required
@require_POST
def mock_start_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    bank = bank_get(viewer=user, pk=_int(request.POST.get("bank")) or 0)
    if bank is None:
        raise Http404
    try:
        mock = svc.mock_exam_start(user=user, bank=bank)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("questions:banks")
    return redirect("questions:mock", pk=mock.pk)


@login_required
def mock_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        mock = svc.mock_exam_get(user=user, pk=pk)
    except ServiceError as exc:
        raise Http404 from exc
    if request.method == "POST" and mock.submitted_at is None:
        answers: dict[int, list[str]] = {}
        for item in mock.paper:
            answers[item["question"]] = request.POST.getlist(f"q{item['question']}")
        mock = svc.mock_exam_submit(user=user, mock=mock, answers=answers)
        return redirect("questions:mock", pk=mock.pk)
    if mock.submitted_at is None:
        rows = svc.mock_paper(mock)
        for row in rows:
            v = row["version"]
            row["multiple"] = v.type == QuestionType.MULTIPLE
            row["option_rows"] = [
                {"key": o["key"], "label": _label(v, i, o["text"])}
                for i, o in enumerate(row["options"])
            ]
        return render(request, "questions/mock.html", {"mock": mock, "rows": rows})
    rows = svc.mock_results(mock)
    for row in rows:
        v = row["version"]
        letters = {o["key"]: CHOICE_KEYS[i] for i, o in enumerate(row["options"])}
        if v.type == QuestionType.TRUEFALSE:
            row["right_text"] = _answer_text(v, row["right"])
            row["given_text"] = _answer_text(v, row["given"])
        else:  # letters as shown on this paper
            row["right_text"] = "".join(sorted(letters[k] for k in row["right"]))
            row["given_text"] = "".join(sorted(letters[k] for k in row["given"] if k in letters))
    return render(
        request,
        "questions/mock_result.html",
        {
            "mock": mock,
            "rows": rows,
            "passed": mock.score is not None and mock.score >= mock.pass_mark,
            "right_count": sum(1 for r in rows if r["correct"]),
        },
    )
