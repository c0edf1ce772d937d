"""Reads of banks and questions, scoped by the viewer (docs/questions.md, "Who sees which bank").

Owners: the city (region 140500), a county (its region code) or an enterprise. A trainer's banks
are city banks that name the trainer in their scope key, so each trainer edits their own.

Read (browse, practise, draw an exam from):
- city admin, city inspector, superuser: every bank
- county admin, county inspector: city banks, their county's banks, banks of enterprises there
- enterprise admin: city banks, the banks of its county, its own enterprise's banks
- trainer: every city and county bank (no enterprise banks)
- worker: city banks, and the county and enterprise banks of every enterprise they work or
  worked for

Manage (create, edit, import into, export):
- city admin, superuser: every bank; county admin: its county's banks and those of enterprises
  there; enterprise admin: its enterprise's banks; trainer: the banks they created.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet

from safetrain.core.scope import NOTHING, is_citywide
from safetrain.questions.models import Bank, Question, QuestionVersion
from safetrain.questions.papers import Candidate, CandidatePool
from safetrain.regions.models import CITY_CODE

if TYPE_CHECKING:
    from safetrain.people.models import User


def _active(viewer: User | None) -> bool:
    return viewer is not None and viewer.is_authenticated and viewer.is_active


def bank_read_q(viewer: User | None, prefix: str = "") -> Q:
    """A Q over Bank (or a relation to it, with prefix like 'bank__') of the banks viewer reads."""
    if viewer is None:  # the command line
        return Q()
    if not _active(viewer):
        return NOTHING
    if is_citywide(viewer):
        return Q()
    p = prefix
    city = Q(**{f"{p}region_id": CITY_CODE})
    if viewer.role in ("county_admin", "inspector") and viewer.region_id:
        return (
            city
            | Q(**{f"{p}region_id": viewer.region_id})
            | Q(**{f"{p}enterprise__region_id": viewer.region_id})
        )
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        return (
            city
            | Q(**{f"{p}region__enterprises": viewer.enterprise_id})
            | Q(**{f"{p}enterprise_id": viewer.enterprise_id})
        )
    if viewer.role == "trainer":
        return Q(**{f"{p}region__isnull": False})
    if viewer.role == "worker" and viewer.person_id:
        from safetrain.people.models import Employment

        ents = list(
            Employment.objects.filter(person_id=viewer.person_id)
            .values_list("enterprise_id", "enterprise__region_id")
            .distinct()
        )
        ent_ids = {e for e, _ in ents}
        regions = {r for _, r in ents}
        return city | Q(**{f"{p}region_id__in": regions}) | Q(**{f"{p}enterprise_id__in": ent_ids})
    return NOTHING


def bank_manage_q(viewer: User | None, prefix: str = "") -> Q:
    """A Q over Bank of the banks viewer may change."""
    if viewer is None:
        return Q()
    if not _active(viewer):
        return NOTHING
    p = prefix
    if viewer.is_superuser or (viewer.role == "city_admin" and viewer.region_id == CITY_CODE):
        return Q()
    if viewer.role == "county_admin" and viewer.region_id:
        return Q(**{f"{p}region_id": viewer.region_id}) | Q(
            **{f"{p}enterprise__region_id": viewer.region_id}
        )
    if viewer.role == "enterprise_admin" and viewer.enterprise_id:
        return Q(**{f"{p}enterprise_id": viewer.enterprise_id})
    if viewer.role == "trainer":
        return Q(**{f"{p}created_by_id": viewer.pk})
    return NOTHING


def can_manage_banks(viewer: User | None) -> bool:
    return bank_manage_q(viewer) != NOTHING


def bank_list(*, viewer: User | None, manage: bool = False) -> QuerySet[Bank]:
    q = bank_manage_q(viewer) if manage else bank_read_q(viewer)
    return (
        Bank.objects.filter(q)
        .select_related("sector", "job_type", "region", "enterprise")
        .annotate(question_count=Count("questions", filter=Q(questions__retired=False)))
        .order_by("sector__ordering", "sector_id", "job_type__name", "name", "pk")
    )


def bank_get(*, viewer: User | None, pk: int, manage: bool = False) -> Bank | None:
    q = bank_manage_q(viewer) if manage else bank_read_q(viewer)
    return (
        Bank.objects.filter(q, pk=pk)
        .select_related("sector", "job_type", "region", "enterprise")
        .first()
    )


def question_list(
    *, viewer: User | None, bank: Bank | None = None, manage: bool = False
) -> QuerySet[Question]:
    q = bank_manage_q(viewer, "bank__") if manage else bank_read_q(viewer, "bank__")
    qs = Question.objects.filter(q, retired=False)
    if bank is not None:
        qs = qs.filter(bank=bank)
    return qs.select_related("bank", "current", "current__sector", "current__job_type").order_by(
        "pk"
    )


def question_get(*, viewer: User | None, pk: int, manage: bool = False) -> Question | None:
    q = bank_manage_q(viewer, "bank__") if manage else bank_read_q(viewer, "bank__")
    return (
        Question.objects.filter(q, pk=pk)
        .select_related("bank", "current", "current__sector", "current__job_type")
        .first()
    )


# (bank id, revision) → that bank's candidates sorted by version id. Process-local; every
# question write sets a new Bank.revision, so a stale entry is never used (it just ages out).
_CANDIDATE_CACHE: OrderedDict[tuple[int, int], list[Candidate]] = OrderedDict()
CANDIDATE_CACHE_BANKS = 64


def _bank_candidates(bank_id: int, revision: int) -> list[Candidate]:
    key = (bank_id, revision)
    cached = _CANDIDATE_CACHE.get(key)
    if cached is not None:
        _CANDIDATE_CACHE.move_to_end(key)
        return cached
    rows = (
        QuestionVersion.objects.filter(
            question__bank_id=bank_id, question__retired=False, question__current=F("pk")
        )
        .order_by("pk")
        .values_list(
            "pk",
            "question_id",
            "type",
            "sector_id",
            "job_type__code",
            "topic",
            "difficulty",
            "option_count",
        )
    )
    candidates = list(map(Candidate._make, rows))
    _CANDIDATE_CACHE[key] = candidates
    while len(_CANDIDATE_CACHE) > CANDIDATE_CACHE_BANKS:
        _CANDIDATE_CACHE.popitem(last=False)
    return candidates


_POOL_CACHE: OrderedDict[tuple[tuple[int, int], ...], CandidatePool] = OrderedDict()


def candidate_pool(
    *, viewer: User | None, banks: Iterable[Bank | int] | None = None
) -> CandidatePool:
    """The candidates of candidate_list, grouped for drawing many papers (papers.CandidatePool),
    cached in process by the banks' (id, revision) pairs."""
    qs = Bank.objects.filter(bank_read_q(viewer))
    if banks is not None:
        qs = qs.filter(pk__in=[b if isinstance(b, int) else b.pk for b in banks])
    key = tuple(qs.order_by("pk").values_list("pk", "revision"))
    pool = _POOL_CACHE.get(key)
    if pool is not None:
        _POOL_CACHE.move_to_end(key)
        return pool
    candidates: list[Candidate] = []
    for bank_id, revision in key:
        candidates.extend(_bank_candidates(bank_id, revision))
    pool = CandidatePool(candidates)
    _POOL_CACHE[key] = pool
    while len(_POOL_CACHE) > CANDIDATE_CACHE_BANKS:
        _POOL_CACHE.popitem(last=False)
    return pool


def candidate_list(
    *,
    viewer: User | None,
    banks: Iterable[Bank | int] | None = None,
) -> list[Candidate]:
    """Every drawable question (current version, not retired) of the banks viewer reads,
    narrowed to `banks` when given: the input of papers.draw_paper / papers.fixed_paper.

    One small query for the banks and their revisions; each bank's candidates come from an
    in-process cache keyed by (bank, revision), loaded with one query on a miss."""
    qs = Bank.objects.filter(bank_read_q(viewer))
    if banks is not None:
        qs = qs.filter(pk__in=[b if isinstance(b, int) else b.pk for b in banks])
    out: list[Candidate] = []
    for bank_id, revision in qs.order_by("pk").values_list("pk", "revision"):
        out.extend(_bank_candidates(bank_id, revision))
    return out


def versions_by_id(ids: Iterable[int]) -> dict[int, QuestionVersion]:
    """The versions a paper names (unscoped: the paper was drawn under the organiser's scope)."""
    return {v.pk: v for v in QuestionVersion.objects.filter(pk__in=list(ids))}


def rule_codes() -> tuple[dict[str, str], dict[str, str]]:
    """Accepted spellings for paper rules: sector code or name → code; job-type code or name
    (names only where unique across sectors) → code. Pass to papers.parse_rules."""
    from safetrain.catalog.models import JobType, Sector

    sectors: dict[str, str] = {}
    for code, name in Sector.objects.values_list("code", "name"):
        sectors[code] = code
        sectors[name] = code
    jobs: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for code, name in JobType.objects.values_list("code", "name"):
        jobs[code] = code
        names.setdefault(name, []).append(code)
    for name, codes in names.items():
        if len(codes) == 1:
            jobs.setdefault(name, codes[0])
    return sectors, jobs
