"""What the demo steps share while loading."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from safetrain.enterprises.models import Enterprise
from safetrain.people.models import Person

from .generators import EnterprisePlan, JinchengGenerator, PersonPlan
from .writer import PlanWriter


@dataclass(frozen=True)
class DemoSize:
    name: str
    enterprises: int
    persons: int


SIZES = {
    "full": DemoSize("full", enterprises=36, persons=560),
    "small": DemoSize("small", enterprises=8, persons=90),
}

# 12+ characters of 3 classes (docs/security.md#accounts); the same for every demo account
DEMO_PASSWORD = "Anquan-2024-jc"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # people.Role value
    scope: str  # human-readable: region, enterprise or person
    note: str = ""  # e.g. "also signs in with ID number …"
    otp_secret: str = ""  # the pre-enrolled TOTP key of a two-factor role (safetrain.accounts)


@dataclass
class DemoContext:
    """Passed to every step. Steps add to it what later steps need (plans, rows, logins)."""

    seed: int
    size: DemoSize
    anchor: dt.date  # "today" of the demo world; every date is relative to it
    generator: JinchengGenerator
    writer: PlanWriter = field(default_factory=PlanWriter)
    say: Callable[[str], None] = print
    enterprise_plans: list[EnterprisePlan] = field(default_factory=list)
    person_plans: list[PersonPlan] = field(default_factory=list)
    persons: dict[str, Person] = field(default_factory=dict)  # by ID number
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def enterprises(self) -> dict[str, Enterprise]:
        """Written enterprises by credit code."""
        return self.writer.enterprises

    @property
    def flagship(self) -> EnterprisePlan:
        """The 泽州县 coal mine whose admin and worker are demo logins."""
        return self.enterprise_plans[0]

    def rng(self, purpose: str) -> random.Random:
        """A random stream of its own for each step, so adding a step never shifts another."""
        return self.generator.rng(purpose)
