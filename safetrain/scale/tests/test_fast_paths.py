"""The fast paths of issue 5 (c) give exactly the engine's answers, in a fixed number of queries:
today's person compliance from the PersonStatus row, the per-(scope, day) rates cache and its
invalidation, on a generated city; and the set-based 人员 import tells compliance."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safetrain.compliance.engine import Scope, evaluate_person, rates, rates_from_records
from safetrain.compliance.models import PersonStatus
from safetrain.compliance.selectors import cached_evaluation
from safetrain.compliance.services import recompute_all
from safetrain.core import crypto, dates
from safetrain.people.models import Employment, Person
from safetrain.people.services import token_create
from safetrain.people.tests.factories import make_user
from safetrain.scale.load import seed_city

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def city(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    seed_city(persons=300, seed=11, today=TODAY, batch_size=300)
    recompute_all()


def as_json(value: object) -> object:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def test_todays_answer_from_the_status_row_equals_the_engine(city: None) -> None:
    """After the set-based recompute a row holds the whole answer for a person without
    findings, and for a blocked person (whose to-dos it synced person by person); a person with
    only other findings is evaluated when asked (cached None). After a refresh through the
    hooks' path every row holds the whole answer. Either way the answer is the engine's."""
    from safetrain.compliance.selectors import person_compliance_get
    from safetrain.compliance.services import refresh_persons

    viewer = make_user("city_admin")
    persons = Person.objects.select_related("compliance_status__enterprise").order_by("id")
    on_demand = with_findings = 0
    for person in persons:
        fresh = evaluate_person(person.pk, TODAY)
        cached = cached_evaluation(person, TODAY)
        blocked = any(f.blocking for f in fresh.findings)
        if fresh.findings and not blocked:
            assert cached is None, person.pk
            on_demand += 1
        else:
            assert cached is not None, person.pk
            assert as_json(cached.as_dict()) == as_json(fresh.as_dict()), person.pk
        answer = person_compliance_get(viewer=viewer, uid=str(person.uid))
        assert as_json(answer.as_dict()) == as_json(fresh.as_dict()), person.pk
        # the findings computed on request are kept in the row: the next look-up reads it
        kept = cached_evaluation(
            Person.objects.select_related("compliance_status__enterprise").get(pk=person.pk),
            TODAY,
        )
        assert kept is not None and as_json(kept.as_dict()) == as_json(fresh.as_dict())
        with_findings += bool(fresh.findings)
    assert with_findings > 30 and on_demand > 10
    refresh_persons(list(persons.values_list("id", flat=True)))
    compared = 0
    for person in Person.objects.select_related("compliance_status__enterprise").order_by("id"):
        cached = cached_evaluation(person, TODAY)
        assert cached is not None, person.pk
        assert as_json(cached.as_dict()) == as_json(evaluate_person(person.pk, TODAY).as_dict())
        compared += 1
    assert compared == 300


def test_the_set_based_recompute_equals_the_engine_person_by_person() -> None:
    """compliance.fastrates.write_statuses (one INSERT … SELECT) against the engine, for every
    person of a generated city on days across its five years: status, enterprise, may_work,
    codes in order, blocking codes and the four rate flags; findings [] exactly when the engine
    has none. Every person code of DESIGN §3 occurs on some day."""
    from django.db import transaction
    from django.utils import timezone

    from safetrain.compliance.engine import evaluate_persons, policy_on
    from safetrain.compliance.fastrates import status_sql_applies, write_statuses
    from safetrain.compliance.policy import PERSON_CODES
    from safetrain.enterprises.models import Enterprise

    seed_city(persons=1500, seed=5, today=TODAY, batch_size=1500)
    ents = dict(Enterprise.objects.values_list("credit_code", "id"))
    ids = sorted(Person.objects.values_list("id", flat=True))
    columns = (
        "status",
        "may_work",
        "enterprise_id",
        "codes",
        "blocking_codes",
        "covered",
        "cert_required",
        "certified",
        "aware",
    )
    seen: set[str] = set()
    statuses: set[str] = set()
    for day in ("2023-05-31", "2024-03-31", "2025-01-15", "2025-12-31", "2026-06-30"):
        on = dt.date.fromisoformat(day)
        policy = policy_on(on)
        assert status_sql_applies(policy)
        with transaction.atomic():
            assert write_statuses(policy, on, timezone.now()) == len(ids)
            rows = {
                r[0]: r[1:]
                for r in PersonStatus.objects.filter(as_of=on).values_list(
                    "person_id", *columns, "findings"
                )
            }
            transaction.set_rollback(True)
        assert len(rows) == len(ids), day
        for pid, ev in evaluate_persons(ids, on):
            expected = (
                ev.status,
                ev.may_work,
                ents[ev.enterprise] if ev.enterprise else None,
                ev.codes,
                ev.blocking_codes,
                ev.covered,
                ev.cert_required,
                ev.certified,
                ev.aware,
            )
            assert rows[pid][:-1] == expected, (day, pid)
            assert rows[pid][-1] == ([] if not ev.findings else None), (day, pid)
            seen.update(ev.codes)
            statuses.add(ev.status)
    assert seen == set(PERSON_CODES), set(PERSON_CODES) - seen
    assert statuses == {"in_post", "on_leave", "not_employed"}


def test_a_stale_row_is_not_used(city: None) -> None:
    person = Person.objects.select_related("compliance_status__enterprise").first()
    assert person is not None
    assert cached_evaluation(person, TODAY + dt.timedelta(days=1)) is None
    PersonStatus.objects.filter(person=person).update(policy_version="v0")
    person.refresh_from_db()
    person = Person.objects.select_related("compliance_status__enterprise").get(pk=person.pk)
    assert cached_evaluation(person, TODAY) is None


def _api() -> Client:
    user = make_user("city_admin")
    return Client(headers={"Authorization": f"Bearer {token_create(user=user)}"})


def _count(client: Client, url: str) -> tuple[int, dict[str, object]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries), response.json()


def test_person_compliance_endpoint_today_is_two_queries(city: None) -> None:
    api = _api()
    uid = (
        Employment.objects.filter(end_date__isnull=True)
        .values_list("person__uid", flat=True)
        .first()
    )
    n, body = _count(api, f"/api/v1/persons/{uid}/compliance")
    assert n == 2  # the token (with its user), the person with its status row
    person = Person.objects.get(uid=uid)
    assert body == as_json(evaluate_person(person.pk, TODAY).as_dict())
    # another day is evaluated from the records, and answers the same shape
    n_past, past = _count(api, f"/api/v1/persons/{uid}/compliance?on=2026-01-31")
    assert n_past > 2 and past["as_of"] == "2026-01-31"


def test_rates_endpoint_is_cached_per_scope_and_day(city: None) -> None:
    api = _api()
    first, body = _count(api, "/api/v1/rates")
    assert body == rates_from_records(Scope.city(), TODAY).as_dict()
    again, same = _count(api, "/api/v1/rates")
    assert same == body
    assert again == 2 < first  # the token; the stamp (no aggregate)
    past = "/api/v1/rates?on=2025-12-31"
    _, old = _count(api, past)
    n, old_again = _count(api, past)
    assert (
        n == 2
        and old_again == old == rates_from_records(Scope.city(), dt.date(2025, 12, 31)).as_dict()
    )


def test_a_status_refresh_invalidates_the_cached_rates(city: None) -> None:
    from safetrain.compliance.services import refresh_persons

    scope = Scope.city()
    before = rates(scope)
    assert before.source == "materialized"
    # a person in post loses may_work in the status (as a refresh after a change would write)
    row = PersonStatus.objects.filter(status="in_post", may_work=True).first()
    assert row is not None
    PersonStatus.objects.filter(pk=row.pk).update(may_work=False)
    assert rates(scope).may_work == before.may_work  # no refresh: the stamp did not move
    refresh_persons([row.person_id])  # recomputes the row (may_work back) and moves the stamp
    PersonStatus.objects.filter(pk=row.pk).update(may_work=False)  # same stamp, changed row
    after = rates(scope)
    assert after.may_work.num == before.may_work.num - 1


def test_an_employment_inserted_without_refresh_invalidates(city: None) -> None:
    from safetrain.people.tests.factories import make_employment

    scope = Scope.city()
    assert rates(scope).source == "materialized"
    ent = Employment.objects.first().enterprise  # type: ignore[union-attr]
    make_employment(enterprise=ent, start=dt.date(2026, 1, 1))
    result = rates(scope)
    assert result.source == "records"
    assert result.as_dict() == rates_from_records(scope, TODAY).as_dict()


def test_encryptor_matches_encrypt() -> None:
    encrypt = crypto.encryptor()
    token = encrypt("140502199001011234")
    assert crypto.decrypt(token) == "140502199001011234"
    assert token.split(":")[:2] == crypto.encrypt("x").split(":")[:2]
    assert encrypt("a") != encrypt("a")  # a fresh nonce per value


def test_people_import_refreshes_the_status_of_the_persons_it_wrote(
    city: None, tmp_path, django_capture_on_commit_callbacks
) -> None:
    from safetrain.people.services import person_fields
    from safetrain.scale.bench import _people_sheet
    from safetrain.workbook.engine import import_workbook

    path = tmp_path / "people.xlsx"
    rows = _people_sheet(path, 40, seed=5)
    stamp_rates = rates(Scope.city())
    with django_capture_on_commit_callbacks(execute=True):
        result = import_workbook(str(path), actor=None)
    assert result.ok, result.errors[:3]
    hashes = [person_fields(id_number=r[0], name=r[1])["id_number_hash"] for r in rows]
    new = Person.objects.filter(id_number_hash__in=hashes).select_related(
        "compliance_status__enterprise"
    )
    assert new.count() == 40
    for person in new:
        cached = cached_evaluation(person, TODAY)
        assert cached is not None
        assert as_json(cached.as_dict()) == as_json(evaluate_person(person.pk, TODAY).as_dict())
    # the columns are person_fields' (decrypted: the nonces differ)
    number, name, phone = rows[0][0], rows[0][1], rows[0][2]
    expected = person_fields(id_number=number, name=name, phone=phone)
    stored = Person.objects.get(id_number_hash=expected["id_number_hash"])
    for column, value in expected.items():
        got = getattr(stored, column)
        if column.endswith("_enc"):
            assert crypto.decrypt(got) == crypto.decrypt(str(value))
        else:
            assert got == value, column
    # and the cached city rates moved with them
    after = rates(Scope.city())
    assert (
        after.population
        == stamp_rates.population + 40
        == rates_from_records(Scope.city(), TODAY).population
    )


def test_the_set_based_rates_equal_the_per_person_engine(city: None) -> None:
    """compliance.fastrates (one SQL query) against the engine evaluating every person, for the
    city, each county and a few enterprises, on days across the five years of history."""
    from safetrain.compliance.engine import rates_by_evaluation
    from safetrain.enterprises.models import Enterprise
    from safetrain.regions.data import COUNTIES

    scopes = [Scope.city()] + [Scope.for_region(code) for code, _ in COUNTIES]
    scopes += [Scope.for_enterprise(e) for e in Enterprise.objects.order_by("id")[:3]]
    days = ["2022-06-30", "2024-01-01", "2024-03-31", "2025-02-28", "2025-12-31", "2026-06-30"]
    blocked = 0
    for day in days:
        on = dt.date.fromisoformat(day)
        for scope in scopes:
            fast = rates_from_records(scope, on)
            slow = rates_by_evaluation(scope, on)
            assert fast.as_dict() == slow.as_dict(), (day, scope.code)
        blocked += fast.population - fast.may_work.num
    city_now = rates_from_records(Scope.city(), TODAY)
    assert city_now.population > 250 and blocked > 0


def test_every_record_sheet_import_refreshes_the_stored_answers(
    city: None, tmp_path, django_capture_on_commit_callbacks
) -> None:
    """A 三违, a leave and a post change imported from a workbook reach the status rows (and so
    the API's answer for today), as the services' writes do."""
    from openpyxl import Workbook

    from safetrain.workbook.engine import import_workbook

    employed = (
        Employment.objects.filter(start_date__lte=TODAY, end_date__isnull=True)
        .select_related("person", "enterprise")
        .order_by("pk")
    )
    chosen = [e for e in employed if not e.leaves.exists()][:3]
    assert len(chosen) == 3
    (v, leave, post) = chosen

    def row(e: Employment) -> list[str]:
        return [crypto.decrypt(e.person.id_number_enc), e.enterprise.credit_code]

    before = {e.person_id: evaluate_person(e.person_id, TODAY).as_dict() for e in chosen}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "三违"
    sheet.append(["身份证号", "统一社会信用代码", "日期", "类型", "描述"])
    sheet.append([*row(v), TODAY.isoformat(), "违章作业", "井下未戴自救器"])
    leaves = book.create_sheet("离岗")
    leaves.append(["身份证号", "统一社会信用代码", "离岗开始", "离岗结束"])
    leaves.append([*row(leave), TODAY.isoformat(), ""])
    posts = book.create_sheet("岗位变动")
    posts.append(["身份证号", "统一社会信用代码", "变动日期", "新岗位", "岗位所需特种作业"])
    posts.append([*row(post), TODAY.isoformat(), "瓦斯检查工", "5.4"])
    path = tmp_path / "records.xlsx"
    book.save(path)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_workbook(str(path), actor=None)
    assert result.ok, result.errors[:3]
    for e in chosen:
        fresh = evaluate_person(e.person_id, TODAY).as_dict()
        assert fresh != before[e.person_id], "the import changed nothing for this person"
        cached = cached_evaluation(Person.objects.get(pk=e.person_id), TODAY)
        assert cached is not None, e.person_id
        assert as_json(cached.as_dict()) == as_json(fresh)


def test_findings_computed_on_request_are_kept_only_in_a_row_that_agrees(city: None) -> None:
    """A row whose codes no longer say what the records say (a change not refreshed yet) gets
    the answer from the records, but not the findings: the change's refresh rewrites it."""
    from safetrain.compliance.selectors import person_compliance_get

    viewer = make_user("city_admin")
    row = PersonStatus.objects.filter(status="in_post").exclude(codes=[]).first()
    assert row is not None
    PersonStatus.objects.filter(pk=row.pk).update(findings=None, codes=["ANNUAL_HOURS_SHORT"])
    uid = str(Person.objects.get(pk=row.person_id).uid)
    answer = person_compliance_get(viewer=viewer, uid=uid)
    assert answer.codes == evaluate_person(row.person_id, TODAY).codes != ["ANNUAL_HOURS_SHORT"]
    assert PersonStatus.objects.get(pk=row.pk).findings is None
    PersonStatus.objects.filter(pk=row.pk).update(codes=answer.codes)
    person_compliance_get(viewer=viewer, uid=uid)
    kept = PersonStatus.objects.get(pk=row.pk).findings
    assert kept is not None and [f[0] for f in kept] == answer.codes
