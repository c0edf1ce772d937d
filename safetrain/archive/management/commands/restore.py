"""``safetrain restore FILE [--force]``: a backup back into the database (docs/deployment.md).

Refuses a database that holds data unless --force. Afterwards run ``safetrain archive verify``
(and compare the head with the one ``backup`` printed or a signed head file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.archive import chain
from safetrain.archive.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a file made by `safetrain backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            restore(path, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        seq, head_hash = chain.head()
        self.stdout.write(f"restored from {path} (record log head {seq} {head_hash[:16]})")
