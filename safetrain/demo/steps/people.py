from __future__ import annotations

from safetrain.demo.context import DemoContext


def people(ctx: DemoContext) -> None:
    """Persons with employments, posts, post changes, leaves and changes of employer."""
    ctx.person_plans = ctx.generator.persons(ctx.enterprise_plans, ctx.size.persons)
    for plan in ctx.person_plans:
        ctx.persons[plan.id_number] = ctx.writer.person(plan)
