"""Django's ``flush`` with the record log's maintenance switch on (docs/archive.md).

The log refuses DELETE and TRUNCATE (triggers, migration archive 0002) unless the maintenance
switch is on. ``flush`` empties every table — the test runner calls it after each
TransactionTestCase and live-server test — so it is the one ordinary command that turns the
switch on, for its own duration and connection only. A database role without the TRUNCATE and
DELETE privileges on the log (docs/postgresql.md) still cannot flush it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS

from safetrain.archive.chain import log_maintenance


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with log_maintenance(options.get("database") or DEFAULT_DB_ALIAS):
            super().handle(**options)
