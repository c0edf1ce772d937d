from __future__ import annotations

from safetrain.demo.context import DemoContext


def questions(ctx: DemoContext) -> None:
    """About 300 written questions in city banks per sector and job type (docs/questions.md)."""
    from safetrain.questions.demo import load_demo_questions

    load_demo_questions()
