from typing import Any

from django.apps import AppConfig


def _sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The SQLite triggers of the record log ask safetrain_log_maintenance() (docs/archive.md)."""
    if connection.vendor == "sqlite":
        from safetrain.archive.chain import maintenance_on

        connection.connection.create_function(
            "safetrain_log_maintenance", 0, maintenance_on, deterministic=False
        )


class ArchiveConfig(AppConfig):
    name = "safetrain.archive"
    label = "archive"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        connection_created.connect(_sqlite_functions, dispatch_uid="archive_sqlite_functions")
