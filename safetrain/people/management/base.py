"""Shared behaviour of the account commands."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class ExitOneCommand(BaseCommand):
    """Every failure exits with status 1 (DESIGN §5), usage errors included (argparse uses 2)."""

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
        except SystemExit as exc:
            if exc.code == 2:
                raise SystemExit(1) from exc
            raise
