from __future__ import annotations

from safetrain.demo.context import DemoContext


def enterprises(ctx: DemoContext) -> None:
    """Enterprises across the six counties and five sectors, with area types and org units."""
    ctx.enterprise_plans = ctx.generator.enterprises(ctx.size.enterprises)
    for plan in ctx.enterprise_plans:
        ctx.writer.enterprise(plan)
