"""The inspection page's 问卷调查 section (inspections.sections.inspection_sections)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safetrain.inspections.models import Inspection
from safetrain.people.models import User
from safetrain.web.nav import effective_role

BUREAU = ("city_admin", "county_admin", "inspector")


def inspection_section(
    inspection: Inspection, viewer: User
) -> tuple[str, str, dict[str, Any]] | None:
    from safetrain.surveys.charts import bar_chart
    from safetrain.surveys.selectors import MIN_FOR_ENTERPRISE, results, surveys_of

    bureau = effective_role(viewer) in BUREAU
    surveys = surveys_of(inspection)
    if not surveys and not bureau:
        return None
    rows = []
    for s in surveys:
        answered = int(getattr(s, "answered", 0))  # annotated by surveys_of
        shown = s.state != "draft" and (bureau or answered >= MIN_FOR_ENTERPRISE)
        result = results(s, with_texts=bureau) if shown else None
        charts = (
            [
                (q, bar_chart(q.options, title=q.text) if q.options else None)
                for q in result.questions
            ]
            if result
            else []
        )
        rows.append({"survey": s, "result": result, "charts": charts})
    return (
        _("Questionnaires"),
        "surveys/inspection_section.html",
        {
            "rows": rows,
            "bureau": bureau,
            "inspection": inspection,
            "min_for_enterprise": MIN_FOR_ENTERPRISE,
        },
    )
