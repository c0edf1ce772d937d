"""Demo: the county's yearly enforcement plan with a published 双随机 draw (three inspectors, one
conflict of interest), and a questionnaire on the flagship's spot check with some anonymous
answers (docs/inspections.md, docs/surveys.md).

Idempotent: nothing is written when the county's plan for the anchor year exists."""

from __future__ import annotations

from safetrain.demo.context import DEMO_PASSWORD, DemoContext
from safetrain.demo.steps.inspections import TEAM
from safetrain.demo.steps.logins import _ensure_user, demo_worker_plan
from safetrain.enterprises.models import Enterprise
from safetrain.inspections import planning
from safetrain.inspections.models import EnforcementPlan, Inspection
from safetrain.people.models import Employment, Person, User
from safetrain.people.services import user_create
from safetrain.regions.models import Region

SEED = "20241201"
# accounts this step adds besides the printed logins (demo.services counts them as the demo's)
EXTRA_USERNAMES_RE = r"^demo-(inspector[23]|answer[0-9]+)$"
PLAN_SIZE = 8
ANSWERS = 7


def doublerandom(ctx: DemoContext) -> None:
    flagship = ctx.enterprises[ctx.flagship.credit_code]
    county = Region.objects.get(code=flagship.region_id)
    year = ctx.anchor.year
    if EnforcementPlan.objects.filter(region=county, year=year).exists():
        return
    # the county's roster: the demo inspector (the logins step leaves it as it is) and two more
    names = [("demo-inspector", f"{county.name}执法队")] + [
        (f"demo-inspector{n}", f"{county.name}执法队{label}")
        for n, label in ((2, "二组"), (3, "三组"))
    ]
    inspectors = [
        _ensure_user(username=u, role="inspector", region=county.code, first_name=f)
        for u, f in names
    ]
    ents = sorted(
        (e for e in ctx.enterprises.values() if e.region_id == county.code),
        key=lambda e: (e.pk != flagship.pk, e.credit_code),
    )[:PLAN_SIZE]
    plan = planning.plan_create(
        actor=None,
        region=county,
        year=year,
        title=f"{county.name}应急管理局{year}年度执法检查计划（演示）",
        note="将企业专项培训情况纳入年度执法计划（晋市应急教发〔2024〕226号 五(四)）。",
    )
    planning.plan_enterprises_add(
        actor=None, plan=plan, codes=[(n, e.credit_code) for n, e in enumerate(ents, 1)]
    )
    planning.conflict_record(
        actor=None,
        inspector=inspectors[1],
        enterprise=flagship,
        reason="曾在该企业任安全员（演示）",
    )
    planning.draw_publish(
        actor=None,
        region_code=county.code,
        count=min(3, len(ents)),
        seed=SEED,
        on=ctx.anchor,
    )
    _survey(ctx, flagship)
    ctx.say(
        f"  双随机：{plan.title}，{len(ents)} 家企业，抽取 {min(3, len(ents))} 家（种子 {SEED}）"
    )


def _survey(ctx: DemoContext, flagship: Enterprise) -> None:
    from safetrain.surveys import services

    inspection = Inspection.objects.filter(team=TEAM, enterprise=flagship).order_by("date").first()
    if inspection is None:
        return
    survey = services.survey_create(
        actor=None,
        inspection=inspection,
        title="从业人员安全培训情况问卷（演示）",
        intro="匿名填写，企业只能看到统计结果。",
    )
    q1 = services.question_add(
        actor=None,
        survey=survey,
        kind="single",
        text="今年你参加过公司、车间、班组三级安全培训吗？",
        options=["参加过三级培训", "只参加过部分", "没有参加"],
    )
    q2 = services.question_add(
        actor=None,
        survey=survey,
        kind="multi",
        text="你参加过哪些形式的培训？",
        options=["线上课程", "线下培训班", "班前会", "应急演练"],
    )
    q3 = services.question_add(
        actor=None, survey=survey, kind="text", text="对安全培训有什么建议？", required=False
    )
    services.survey_publish(actor=None, survey=survey)
    # some workers of the flagship answer (accounts with the demo password, not printed)
    rng = ctx.rng("surveys")
    person_ids = sorted(
        set(
            Employment.objects.filter(
                enterprise=flagship, role_category="worker", start_date__lte=ctx.anchor
            )
            .exclude(end_date__lt=ctx.anchor)
            .values_list("person_id", flat=True)
        )
    )
    taken = set(User.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))
    # the demo worker (its login is created by the logins step) answers it in the demo itself
    taken.add(ctx.persons[demo_worker_plan(ctx).id_number].pk)
    opts1 = list(q1.options.order_by("position").values_list("pk", flat=True))
    opts2 = list(q2.options.order_by("position").values_list("pk", flat=True))
    texts = ["多讲本矿的事故案例", "线上课程希望能离线看", "", "班前会时间太短", ""]
    answered = created = 0
    for person in Person.objects.filter(pk__in=person_ids).exclude(pk__in=taken).order_by("pk"):
        if answered >= ANSWERS or created >= 3 * ANSWERS:
            break
        created += 1
        user = user_create(
            actor=None,
            username=f"demo-answer{created}",
            password=DEMO_PASSWORD,
            role="worker",
            person=person,
        )
        if not services.may_answer(user, survey):
            continue
        services.response_submit(
            actor=user,
            survey=survey,
            answers={
                q1.pk: [rng.choices(opts1, weights=[6, 3, 1])[0]],
                q2.pk: sorted(rng.sample(opts2, rng.randint(1, 3))),
                q3.pk: texts[answered % len(texts)],
            },
        )
        answered += 1
