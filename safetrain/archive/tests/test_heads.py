"""archive head: export, Ed25519 signing, and checking a signed head against the log."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safetrain.archive import chain

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("archive", *args, stdout=out, stderr=err)
        return 0, out.getvalue(), err.getvalue()
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()


@pytest.fixture
def keys(tmp_path):
    private, public = tmp_path / "head.key", tmp_path / "head.pub"
    assert run("keygen", str(private), str(public))[0] == 0
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    return private, public


def test_signed_head_verifies_and_names_a_rewrite(tmp_path, keys):
    private, public = keys
    chain.log_append_many([("test.added", f"x:{i}", {"i": i}) for i in range(3)])
    out = tmp_path / "head.json"
    assert run("head", "--sign", str(private), "--out", str(out))[0] == 0
    doc = json.loads(out.read_text())
    assert (doc["seq"], doc["hash"]) == chain.head()
    assert set(doc) == {"date", "seq", "hash", "signature", "key_id"}

    code, text, _ = run("head", "--verify", str(out), "--public-key", str(public))
    assert code == 0 and "still has the hash" in text

    # more entries later: the signed entry is still there with its hash
    chain.log_append_many([("test.added", "x:9", {})])
    assert run("head", "--verify", str(out), "--public-key", str(public))[0] == 0

    # a forged file: the signature no longer holds
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc | {"seq": 2}))
    with pytest.raises(CommandError, match="signature does not match"):
        run("head", "--verify", str(forged), "--public-key", str(public))

    # the log rewritten from entry 3 on (new hash): named
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE archive_logentry DISABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER archive_logentry_no_update")
        cur.execute("UPDATE archive_logentry SET hash = %s WHERE seq = 3", ["e" * 64])
    code, _, err = run("head", "--verify", str(out), "--public-key", str(public))
    assert code == 1 and "entry 3 now has hash" in err


def test_unsigned_head_prints_json():
    code, text, _ = run("head")
    assert code == 0
    assert json.loads(text) | {"date": None} == {"date": None, "seq": 0, "hash": chain.GENESIS}


def test_wrong_public_key_is_refused(tmp_path, keys):
    private, _ = keys
    other_private, other_public = tmp_path / "o.key", tmp_path / "o.pub"
    run("keygen", str(other_private), str(other_public))
    out = tmp_path / "head.json"
    run("head", "--sign", str(private), "--out", str(out))
    with pytest.raises(CommandError, match="signature does not match"):
        run("head", "--verify", str(out), "--public-key", str(other_public))
