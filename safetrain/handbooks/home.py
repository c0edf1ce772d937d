"""The worker's home-page block: the must-know handbook of their post and how far they read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from safetrain.people.models import User


def handbook_home_section(viewer: User) -> Any:
    from safetrain.handbooks.selectors import handbook_for_person, progress
    from safetrain.people.models import Person
    from safetrain.web.archive import ArchiveSection

    if viewer.is_superuser or viewer.role != "worker" or viewer.person_id is None:
        return None
    person = Person.objects.filter(pk=viewer.person_id).first()
    handbook = handbook_for_person(person=person) if person is not None else None
    if person is None or handbook is None:
        return None
    return ArchiveSection(
        _("My must-know handbook"),
        "handbooks/home_section.html",
        {"handbook": handbook, "progress": progress(person=person, handbook=handbook)},
    )
