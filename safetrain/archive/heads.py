"""Signed exports of the chain head (docs/archive.md "Signing the head").

``safetrain archive head --sign KEY --out FILE`` writes ``{"date", "seq", "hash",
"signature", "key_id"}``: the Ed25519 signature covers the canonical JSON of
``{"date", "seq", "hash"}``. Kept outside the database (printed, mailed, given to the bureau's
archive), a day's file proves what the log held that day: a later rewrite of the whole chain
(new hashes from some entry on) no longer contains that seq with that hash.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from safetrain.archive.chain import canonical_json


class HeadError(Exception):
    pass


def signed_part(doc: dict[str, Any]) -> bytes:
    return canonical_json({"date": doc["date"], "seq": doc["seq"], "hash": doc["hash"]}).encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_key(private_path: Path, public_path: Path) -> str:
    """A new Ed25519 key pair as PEM files (the private one readable by its owner only)."""
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(key.public_key())


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise HeadError(f"cannot read the private key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise HeadError(f"{path} is not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise HeadError(f"cannot read the public key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise HeadError(f"{path} is not an Ed25519 public key")
    return key


def head_document(
    seq: int, head_hash: str, on: dt.date, key: Ed25519PrivateKey | None
) -> dict[str, Any]:
    doc: dict[str, Any] = {"date": on.isoformat(), "seq": seq, "hash": head_hash}
    if key is not None:
        doc["signature"] = base64.b64encode(key.sign(signed_part(doc))).decode()
        doc["key_id"] = key_id(key.public_key())
    return doc


def check_signature(doc: dict[str, Any], public: Ed25519PublicKey) -> None:
    try:
        signature = base64.b64decode(doc["signature"], validate=True)
        public.verify(signature, signed_part(doc))
    except KeyError as exc:
        raise HeadError(f"the head file has no {exc.args[0]}") from exc
    except (InvalidSignature, ValueError) as exc:
        raise HeadError("the signature does not match this public key and content") from exc


def read_document(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HeadError(f"cannot read {path}: {exc}") from exc
    if not isinstance(doc, dict) or not {"date", "seq", "hash"} <= doc.keys():
        raise HeadError(f"{path} is not a head file (date, seq, hash)")
    return doc
