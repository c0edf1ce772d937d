"""``safetrain backup FILE`` / ``safetrain restore FILE [--force]`` (docs/deployment.md).

SQLite: the online backup API (``sqlite3.Connection.backup``): a consistent copy of a live
database, page by page, while the application keeps serving; restore copies the file's pages
back over the database. PostgreSQL: ``pg_dump -Fc`` and ``pg_restore --clean --if-exists
--single-transaction`` (the client tools must be installed, in a version not older than the
server). Restore refuses a database that already holds data unless ``force``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

# tables whose rows mean "this database holds data" (reference data loaded by migrations —
# regions, the catalogue, permissions — does not count)
DATA_TABLES = ("people_person", "enterprises_enterprise", "people_user", "archive_logentry")


class BackupError(Exception):
    pass


def holds_data(using: str = "default") -> list[str]:
    """The data tables that have rows (empty: the database may be restored into)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    out = []
    with connection.cursor() as cursor:
        for table in DATA_TABLES:
            if table in existing:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    out.append(table)
    return out


def table_counts(using: str = "default") -> dict[str, int]:
    """Rows per table, every table of the database (the restore test compares them)."""
    connection = connections[using]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_args(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings.get("HOST"):
        args += ["-h", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["-U", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools "
            "(Debian/Ubuntu: apt-get install postgresql-client) in the server's version or newer"
        )
    return path


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup(path: Path, using: str = "default") -> None:
    connection = connections[using]
    if connection.in_atomic_block:
        # SQLite: the backup would wait for our own open write transaction forever
        raise BackupError("backup cannot run inside a transaction")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(str(path))
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        _run(
            [_tool("pg_dump"), "-Fc", "--no-owner", *args, "-f", str(path)]
            + [connection.settings_dict["NAME"]],
            env,
        )
    else:
        raise BackupError(f"backup of {connection.vendor} is not supported")


def restore(path: Path, *, force: bool = False, using: str = "default") -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    connection = connections[using]
    full = holds_data(using)
    if full and not force:
        raise BackupError(
            f"the database already holds data ({', '.join(full)}): "
            "restore only into an empty database, or pass --force to overwrite it"
        )
    if connection.in_atomic_block:
        raise BackupError("restore cannot run inside a transaction")
    if connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            try:
                tables = {
                    r[0]
                    for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"{path} is not an SQLite database: {exc}") from exc
            if "django_migrations" not in tables:
                raise BackupError(f"{path} is not a safetrain database (no django_migrations)")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        connection.close()  # no session of ours holds locks on the tables being replaced
        _run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction"]
            + [*args, "-d", connection.settings_dict["NAME"], str(path)],
            env,
        )
    else:
        raise BackupError(f"restore of {connection.vendor} is not supported")
