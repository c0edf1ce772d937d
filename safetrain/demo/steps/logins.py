from __future__ import annotations

from dataclasses import replace

from safetrain.accounts.services import otp_demo_enrol, requires_two_factor
from safetrain.demo.context import DEMO_PASSWORD, DemoContext, DemoLogin
from safetrain.demo.generators import PersonPlan
from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person, User
from safetrain.people.services import user_create
from safetrain.regions.models import CITY_CODE, Region


def demo_worker_plan(ctx: DemoContext) -> PersonPlan:
    """The flagship mine's first in-post worker whose post needs a coal-mine special operation
    (5.x: 瓦斯检查、井下电气 …), else any special operation."""
    candidates = []
    for plan in ctx.person_plans:
        current = plan.current
        if (
            current is not None
            and current.enterprise == ctx.flagship.credit_code
            and current.role == "worker"
            and not current.leaves
            and len(current.posts) == 1
            and current.posts[0].operation
        ):
            candidates.append(plan)
    for plan in candidates:
        if str(plan.employments[-1].posts[0].operation).startswith("5."):
            return plan
    if candidates:
        return candidates[0]
    raise RuntimeError("the flagship enterprise has no special-operation worker")


def _ensure_user(
    *,
    username: str,
    role: str,
    first_name: str,
    region: str | None = None,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
) -> User:
    """Create the account; an existing one is left as it is (its password too: checking it
    would cost a full password hash per account on every load)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            region_code=region,
            enterprise=enterprise,
            person=person,
            first_name=first_name,
        )
    return user


def logins(ctx: DemoContext) -> None:
    """One account per role, all with the demo password."""
    county = Region.objects.get(code=ctx.flagship.region)
    city = Region.objects.get(code=CITY_CODE)
    mine = ctx.enterprises[ctx.flagship.credit_code]
    worker_plan = demo_worker_plan(ctx)
    worker = ctx.persons[worker_plan.id_number]
    _ensure_user(username="demo-city", role="city_admin", region=city.code, first_name="市局管理员")
    _ensure_user(
        username="demo-county",
        role="county_admin",
        region=county.code,
        first_name=f"{county.name}应急管理局",
    )
    _ensure_user(
        username="demo-enterprise", role="enterprise_admin", enterprise=mine, first_name="安全科"
    )
    _ensure_user(
        username="demo-inspector",
        role="inspector",
        region=county.code,
        first_name=f"{county.name}执法队",
    )
    _ensure_user(username="demo-trainer", role="trainer", first_name="培训讲师")
    _ensure_user(username="demo-worker", role="worker", person=worker, first_name=worker.name)
    post = worker_plan.employments[-1].posts[0]
    logins = [
        DemoLogin("demo-city", "city_admin", f"{city.name}（{city.code}）全市"),
        DemoLogin("demo-county", "county_admin", f"{county.name}（{county.code}）"),
        DemoLogin("demo-enterprise", "enterprise_admin", mine.name),
        DemoLogin("demo-inspector", "inspector", f"{county.name}（{county.code}）"),
        DemoLogin("demo-trainer", "trainer", "课程、题库与培训班"),
        DemoLogin(
            "demo-worker",
            "worker",
            f"本人档案（{worker.name}，{post.title}）",
            note=f"{worker.name}也可用身份证号 {worker_plan.id_number} 登录",
        ),
    ]
    # the two-factor roles are pre-enrolled: their key is printed (any authenticator app takes
    # it), and `safetrain user otp USERNAME` prints the current code
    for i, login in enumerate(logins):
        user = User.objects.get(username=login.username)
        if requires_two_factor(user):
            logins[i] = replace(login, otp_secret=otp_demo_enrol(user=user))
    ctx.logins = logins
