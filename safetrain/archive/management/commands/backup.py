"""``safetrain backup FILE``: a consistent copy of the live database (docs/deployment.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.archive import chain
from safetrain.archive.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back the database up to FILE (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        seq, head_hash = chain.head()
        self.stdout.write(f"backed up to {path} (record log head {seq} {head_hash[:16]})")
