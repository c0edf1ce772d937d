"""The record log is append-only in the database itself (docs/archive.md, docs/postgresql.md).

PostgreSQL: triggers refuse UPDATE always, and DELETE and TRUNCATE unless the session setting
``safetrain.log_maintenance`` is 'on' (set only by ``safetrain flush`` — which Django's test
runner calls between TransactionTestCases — and ``demo load --reset``).
SQLite: the same with RAISE(ABORT), the maintenance flag read through the connection function
``safetrain_log_maintenance()`` that the archive app registers on every connection.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION archive_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE'
       AND coalesce(current_setting('safetrain.log_maintenance', true), '') = 'on' THEN
        IF TG_OP = 'TRUNCATE' THEN
            RETURN NULL;
        END IF;
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'archive_logentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER archive_logentry_no_change BEFORE UPDATE OR DELETE ON archive_logentry
    FOR EACH ROW EXECUTE FUNCTION archive_log_append_only();
CREATE TRIGGER archive_logentry_no_truncate BEFORE TRUNCATE ON archive_logentry
    FOR EACH STATEMENT EXECUTE FUNCTION archive_log_append_only();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS archive_logentry_no_change ON archive_logentry;
DROP TRIGGER IF EXISTS archive_logentry_no_truncate ON archive_logentry;
DROP FUNCTION IF EXISTS archive_log_append_only();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER archive_logentry_no_update BEFORE UPDATE ON archive_logentry
    BEGIN SELECT RAISE(ABORT, 'archive_logentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER archive_logentry_no_delete BEFORE DELETE ON archive_logentry
    WHEN safetrain_log_maintenance() IS NOT 1
    BEGIN SELECT RAISE(ABORT, 'archive_logentry is append-only: DELETE refused'); END""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS archive_logentry_no_update",
    "DROP TRIGGER IF EXISTS archive_logentry_no_delete",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, None)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_record_log")]

    operations = [migrations.RunPython(forward, backward)]
