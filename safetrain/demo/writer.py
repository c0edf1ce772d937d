"""Writes plans (safetrain.demo.generators) through the services, idempotently.

What already exists is left as it is: an enterprise is updated to the same values, a person is
found by ID number, and an employment, post or leave is only started when no row with the same
key (person × enterprise × start date, employment × from date, employment × start date) exists.
So writing the same plan twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from safetrain.catalog.models import JobType, SpecialOperation
from safetrain.core.models import Attributed
from safetrain.enterprises.models import Enterprise, OrgUnit
from safetrain.enterprises.services import enterprise_register, org_unit_ensure
from safetrain.people.models import Employment, Leave, Person, Post
from safetrain.people.services import (
    PostSpec,
    employment_start,
    leave_record,
    person_register,
    post_change,
)

from .generators import EnterprisePlan, PersonPlan, PostPlan

SOURCE = Attributed.Source.SEED


@dataclass
class PlanWriter:
    """Caches the catalogue and org units; counts what it created."""

    created: Counter[str] = field(default_factory=Counter)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._job_types = {
            (jt.sector_id, jt.name): jt for jt in JobType.objects.select_related("operation")
        }
        self._operations = {op.code: op for op in SpecialOperation.objects.all()}
        self._units: dict[tuple[int, str], OrgUnit | None] = {}

    def enterprise(self, plan: EnterprisePlan) -> Enterprise:
        result = enterprise_register(
            actor=None,
            credit_code=plan.credit_code,
            name=plan.name,
            region_code=plan.region,
            sector_code=plan.sector,
            area_types=list(plan.area_types),
            source=SOURCE,
        )
        enterprise = result.enterprise
        if result.created:
            self.created["enterprises"] += 1
        self._load_units(enterprise)
        paths = plan.org_paths()
        for path in paths:  # the leaves: ensuring a team ensures its workshop too
            if not any(other.startswith(path + "/") for other in paths):
                self._unit(enterprise, path)
        self.enterprises[plan.credit_code] = enterprise
        return enterprise

    def _load_units(self, enterprise: Enterprise) -> None:
        """Cache the enterprise's existing org units by path (one query instead of one per unit)."""
        units = {u.pk: u for u in OrgUnit.objects.filter(enterprise=enterprise)}
        for unit in units.values():
            parts: list[str] = []
            node: OrgUnit | None = unit
            while node is not None and node.kind != OrgUnit.Kind.COMPANY:
                parts.append(node.name)
                node = units.get(node.parent_id) if node.parent_id else None
            if parts:
                self._units[(enterprise.pk, "/".join(reversed(parts)))] = unit

    def _unit(self, enterprise: Enterprise, path: str) -> OrgUnit | None:
        key = (enterprise.pk, path)
        if key not in self._units:
            unit = org_unit_ensure(enterprise=enterprise, path=path)
            self._units[key] = unit
            if unit is not None and "/" in path and unit.parent is not None:
                self._units[(enterprise.pk, path.rsplit("/", 1)[0])] = unit.parent
        return self._units[key]

    def _post_spec(self, enterprise: Enterprise, post: PostPlan) -> PostSpec:
        job_type = self._job_types.get((enterprise.sector_id, post.job_type or ""))
        return PostSpec(
            title=post.title,
            job_type=job_type,
            operation=self._operations[post.operation] if post.operation else None,
            org_unit=self._unit(enterprise, post.org_path),
        )

    def person(self, plan: PersonPlan) -> Person:
        person = person_register(
            actor=None, id_number=plan.id_number, name=plan.name, phone=plan.phone, source=SOURCE
        )
        existing = {
            (e.enterprise_id, e.start_date): e for e in Employment.objects.filter(person=person)
        }
        if not existing:
            self.created["persons"] += 1
        for emp in plan.employments:
            enterprise = self.enterprises[emp.enterprise]
            employment = existing.get((enterprise.pk, emp.start))
            new = employment is None
            if employment is None:
                employment = employment_start(
                    actor=None,
                    person=person,
                    enterprise=enterprise,
                    role_category=emp.role,
                    start_date=emp.start,
                    end_date=emp.end,
                    employment_form=emp.form,
                    post=self._post_spec(enterprise, emp.posts[0]),
                    source=SOURCE,
                )
                self.created["employments"] += 1
            posts_done = (
                set()
                if new or len(emp.posts) == 1
                else set(
                    Post.objects.filter(employment=employment).values_list("from_date", flat=True)
                )
            )
            for post in emp.posts[1:]:
                if post.from_date not in posts_done:
                    post_change(
                        actor=None,
                        employment=employment,
                        from_date=post.from_date,
                        post=self._post_spec(enterprise, post),
                        source=SOURCE,
                    )
                    self.created["post_changes"] += 1
            leaves_done = (
                set()
                if new or not emp.leaves
                else set(
                    Leave.objects.filter(employment=employment).values_list("start_date", flat=True)
                )
            )
            for leave in emp.leaves:
                if leave.start not in leaves_done:
                    leave_record(
                        actor=None,
                        employment=employment,
                        start_date=leave.start,
                        end_date=leave.end,
                        source=SOURCE,
                    )
                    self.created["leaves"] += 1
        return person
