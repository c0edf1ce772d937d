"""The demo is a list of steps, run in order inside one transaction.

A step is a function taking the DemoContext. It must be deterministic (draw only from
`ctx.rng("<its name>")` and dates relative to `ctx.anchor`) and idempotent (write only what is
missing), so that `safetrain demo load` run twice gives the same data. Later issues add their
demo data as new steps (certificates, training records, exams, 三违, incidents, drills …):
write `steps/<topic>.py` and append its function to STEPS, before `logins`.
"""

from __future__ import annotations

from collections.abc import Callable

from safetrain.demo.context import DemoContext

from .classes import classes
from .courses import courses
from .doublerandom import doublerandom
from .enterprises import enterprises
from .exams import exams
from .handbooks import handbooks
from .inspections import inspections
from .logins import logins
from .people import people
from .questions import questions
from .records import records
from .rescue import rescue
from .study import study

Step = Callable[[DemoContext], None]

STEPS: list[Step] = [
    enterprises,
    people,
    records,
    courses,
    questions,
    inspections,
    study,
    exams,
    classes,
    doublerandom,
    rescue,
    handbooks,
    logins,
]
