"""Extra sections of the person archive page (一人一档), added by other apps.

The page shows identity, status, employments, posts and leaves itself. Certificates, training,
exams, findings … come from other apps, each of which appends a callable to `archive_sections`
(typically in its AppConfig.ready()):

    from safetrain.web.archive import ArchiveSection, archive_sections

    def certificates_section(person, viewer):
        rows = certificate_list(viewer=viewer, person=person)
        return ArchiveSection(_("Certificates"), "certificates/archive_section.html", {"rows": rows})

    archive_sections.append(certificates_section)

A callable receives the person (already allowed for the viewer) and the viewer, and returns an
ArchiveSection (title, template name, context) or None to show nothing. Sections render in list
order, each inside a card with its title; the template gets the section context plus `person`
and `viewer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise

if TYPE_CHECKING:
    from safetrain.people.models import Person, User


class ArchiveSection(NamedTuple):
    title: str | Promise
    template_name: str
    context: dict[str, Any]


SectionFn = Callable[["Person", "User"], ArchiveSection | tuple[Any, str, dict[str, Any]] | None]

archive_sections: list[SectionFn] = []


def render_sections(
    person: Person, viewer: User, request: HttpRequest | None = None
) -> list[dict[str, Any]]:
    """The sections to show, in order: dicts with id, title and the rendered html."""
    out = []
    for index, fn in enumerate(archive_sections):
        result = fn(person, viewer)
        if result is None:
            continue
        title, template_name, context = result
        ctx = {**context, "person": person, "viewer": viewer}
        html = render_to_string(template_name, ctx, request=request)
        out.append({"id": f"section-{index}", "title": title, "html": html})
    return out


# Sections of the enterprise page (the same contract: a callable (enterprise, viewer) returning
# a section, a list of sections, or None), e.g. the records' drills and incidents.
EnterpriseSectionFn = Callable[[Any, "User"], Any]

enterprise_sections: list[EnterpriseSectionFn] = []


def render_enterprise_sections(
    enterprise: Any, viewer: User, request: HttpRequest | None = None
) -> list[dict[str, Any]]:
    results = [fn(enterprise, viewer) for fn in enterprise_sections]
    return _render_results(
        results, {"enterprise": enterprise, "viewer": viewer}, "esection", request
    )


def _render_results(
    results: list[Any], extra: dict[str, Any], prefix: str, request: HttpRequest | None
) -> list[dict[str, Any]]:
    """Each result is a section, a list of sections or None; sections render with `extra`."""
    out: list[dict[str, Any]] = []
    for result in results:
        for section in result if isinstance(result, list) else [result]:
            if section is None:
                continue
            title, template_name, context = section
            html = render_to_string(template_name, {**context, **extra}, request=request)
            out.append({"id": f"{prefix}-{len(out)}", "title": title, "html": html})
    return out


# Blocks of the home page (the same contract with the viewer only: a callable (viewer) returning
# a section, a list of sections, or None), e.g. the enterprise's training-plan progress.
HomeSectionFn = Callable[["User"], Any]

home_sections: list[HomeSectionFn] = []


def render_home_sections(viewer: User, request: HttpRequest | None = None) -> list[dict[str, Any]]:
    results = [fn(viewer) for fn in home_sections]
    return _render_results(results, {"viewer": viewer}, "hsection", request)
