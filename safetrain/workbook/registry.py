"""The registry of workbook sheets (DESIGN §5). Each app registers its own sheet handlers.

A handler knows one sheet: its Chinese headers, where it stands in the dependency order, how to
check its rows (collecting every error with row and column), how to write them, and how to
export them back. The engine (safetrain.workbook.engine) reads a workbook, runs every known
sheet's `check` in order, and only when no sheet reported an error runs every `write` inside
one transaction: all or nothing.

Apps register handlers in their AppConfig.ready() by importing their `sheets` module, which
decorates handler classes with @register. Lower apps never import the engine's callers.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from safetrain.people.models import User


@dataclass(frozen=True, order=True)
class RowError:
    """One problem, printed as `sheet, row, column: message` (row = the spreadsheet row number)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}, {self.row}, {self.column}: {self.message}"


@dataclass
class Row:
    """A data row: its spreadsheet row number (the header is row 1) and its cells by header."""

    number: int
    cells: dict[str, str]

    def get(self, header: str) -> str:
        return self.cells.get(header, "")


@dataclass
class ExportScope:
    """What to export: everything the viewer may see, narrowed to a region or an enterprise."""

    viewer: User | None = None  # None: the command line, which sees everything
    region: str | None = None
    enterprise: str | None = None  # credit code
    # ID numbers and phones masked in the file (web downloads); the command line keeps them full
    # so that import → export → import changes nothing (docs/security.md#personal-data)
    masked: bool = False


@dataclass
class ImportContext:
    """Shared by all handlers during one import: who imports, the errors, and what earlier
    sheets of the same file declared (so 岗位变动 may refer to a person created by 人员)."""

    actor: User | None
    dry_run: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    errors: list[RowError] = field(default_factory=list)
    # free-form per-sheet state: handlers put lookups here for later sheets
    state: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, message))


class SheetHandler(ABC):
    """Subclass, set the class attributes, implement check/write/export_rows, and @register."""

    name: ClassVar[str]  # the sheet name, e.g. "人员"
    headers: ClassVar[list[str]]  # required headers, in template order
    optional_headers: ClassVar[list[str]] = []  # may be absent from a file
    order: ClassVar[int]  # dependency order: 企业 10, 人员 20, 岗位变动 30, 离岗 40, 证书 50 …
    description: ClassVar[str] = ""

    @property
    def all_headers(self) -> list[str]:
        return [*self.headers, *self.optional_headers]

    @abstractmethod
    def check(self, rows: list[Row], ctx: ImportContext) -> Any:
        """Validate every row; record errors with ctx.error(...). Return the parsed plan for write().

        Must not write to the database."""

    @abstractmethod
    def write(self, plan: Any, ctx: ImportContext) -> int:
        """Write the checked plan (inside the engine's transaction). Return the rows written."""

    @abstractmethod
    def export_rows(self, scope: ExportScope) -> Iterable[list[Any]]:
        """Rows in all_headers order, for the viewer's scope."""


class SheetRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, SheetHandler] = {}

    def register(self, cls: type[SheetHandler]) -> type[SheetHandler]:
        if cls.name in self._handlers and type(self._handlers[cls.name]) is not cls:
            raise ValueError(f"sheet {cls.name} registered twice")
        self._handlers[cls.name] = cls()
        return cls

    def get(self, name: str) -> SheetHandler | None:
        return self._handlers.get(name)

    def names(self) -> list[str]:
        return [h.name for h in self]

    def __iter__(self) -> Iterator[SheetHandler]:
        return iter(sorted(self._handlers.values(), key=lambda h: h.order))


registry = SheetRegistry()
register = registry.register
