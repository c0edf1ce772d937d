"""What the study app does when the course market changes (connected in StudyConfig.ready).

The courses app sits below this one and must not import it; it writes Enrolment and QuizAttempt
rows through its own services. This app listens to those two models' post_save (after the
commit) instead of asking courses to call upwards: an enrolment and a quiz result become xAPI
statements, and a passed quiz may complete the course (when the time is already credited).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from safetrain.courses.models import Enrolment, QuizAttempt


def _enrolment_saved(sender: Any, instance: Enrolment, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    from safetrain.study import xapi

    pk = instance.pk
    transaction.on_commit(
        lambda: xapi.enrolled(Enrolment.objects.select_related("person", "course").get(pk=pk)),
        robust=True,  # a failure is logged; the enrolment stands
    )


def _quiz_saved(sender: Any, instance: QuizAttempt, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    pk = instance.pk

    def after() -> None:
        from safetrain.study import services, xapi

        attempt = QuizAttempt.objects.select_related("enrolment__course", "enrolment__person").get(
            pk=pk
        )
        with transaction.atomic():
            xapi.quiz_result(attempt)
            if attempt.passed and attempt.enrolment.completed_at is None:
                services.enrolment_complete_if_done(attempt.enrolment)

    transaction.on_commit(after, robust=True)  # a failure is logged; the quiz result stands


def connect() -> None:
    post_save.connect(_enrolment_saved, sender=Enrolment, dispatch_uid="study-enrolment-xapi")
    post_save.connect(_quiz_saved, sender=QuizAttempt, dispatch_uid="study-quiz-xapi")
