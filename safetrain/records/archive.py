"""Archive sections (一人一档) for the records: the person's 培训记录 (with hours per year),
考试记录 and 三违, and an enterprise's 演练 and 事故.

`archive_section(person, viewer)` returns the person's sections as (title, template name,
context); `enterprise_section(enterprise, viewer)` the enterprise's. Every row comes from the
scoped selectors, so a viewer who may not see the person (or enterprise) gets empty sections.
The single-section functions fit `safetrain.web.archive.archive_sections` (registered in
RecordsConfig.ready()).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from safetrain.records import selectors

if TYPE_CHECKING:
    from safetrain.enterprises.models import Enterprise
    from safetrain.people.models import Person, User

Section = tuple[str, str, dict[str, Any]]
ARCHIVE_ROWS = 200  # newest first; the enterprise lists page through everything


def training_section(person: Person, viewer: User) -> Section:
    rows = list(selectors.training_list(viewer=viewer, person=person)[:ARCHIVE_ROWS])
    years = selectors.training_hours_by_year(viewer=viewer, person=person)
    return (
        "培训记录",
        "records/archive/training.html",
        {"training_rows": rows, "hours_by_year": years, "limit": ARCHIVE_ROWS},
    )


def exam_section(person: Person, viewer: User) -> Section:
    rows = list(selectors.exam_list(viewer=viewer, person=person)[:ARCHIVE_ROWS])
    return ("考试记录", "records/archive/exams.html", {"exam_rows": rows, "limit": ARCHIVE_ROWS})


def violation_section(person: Person, viewer: User) -> Section:
    rows = list(selectors.violation_list(viewer=viewer, person=person)[:ARCHIVE_ROWS])
    return ("三违", "records/archive/violations.html", {"violation_rows": rows})


def archive_section(person: Person, viewer: User) -> list[Section]:
    """The person's record sections, in page order."""
    return [
        training_section(person, viewer),
        exam_section(person, viewer),
        violation_section(person, viewer),
    ]


def enterprise_section(enterprise: Enterprise, viewer: User) -> list[Section]:
    """The enterprise's drills and incidents."""
    drills = list(selectors.drill_list(viewer=viewer, enterprise=enterprise)[:ARCHIVE_ROWS])
    incidents = list(selectors.incident_list(viewer=viewer, enterprise=enterprise)[:ARCHIVE_ROWS])
    return [
        ("应急演练", "records/archive/drills.html", {"drill_rows": drills}),
        ("事故", "records/archive/incidents.html", {"incident_rows": incidents}),
    ]
