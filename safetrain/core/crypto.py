"""Personal data at rest: AES-256-GCM encryption and keyed lookup hashes.

The data key comes from SAFETRAIN_DATA_KEY (32 bytes, urlsafe base64). Without it (local demo,
tests) a key is derived from SECRET_KEY so that the quick start works; production must set it.
Ciphertexts are self-describing: ``v1:<key id>:<base64(nonce || ciphertext+tag)>`` so that keys
can be rotated without guessing which key wrote a value.

Rotation (docs/security.md#personal-data): the previous keys go in SAFETRAIN_OLD_DATA_KEYS (a
comma list, same format); decrypt() accepts a value written under any of them, encrypt() and
lookup_hash() always use the current key, and `safetrain keys rotate` rewrites every stored value
under the current key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"safetrain", info=info).derive(material)


@lru_cache(maxsize=4)
def _keys(raw_key: str, secret_key: str) -> tuple[str, bytes, bytes]:
    if raw_key:
        material = base64.urlsafe_b64decode(raw_key.encode() + b"=" * (-len(raw_key) % 4))
        if len(material) != 32:
            raise ValueError("SAFETRAIN_DATA_KEY must be 32 bytes, urlsafe base64")
    else:
        material = _derive(secret_key.encode(), b"dev-data-key")
    enc_key = _derive(material, b"encrypt")
    mac_key = _derive(material, b"lookup")
    key_id = hashlib.sha256(enc_key).hexdigest()[:8]
    return key_id, enc_key, mac_key


def current_keys() -> tuple[str, bytes, bytes]:
    return _keys(settings.SAFETRAIN_DATA_KEY, settings.SECRET_KEY)


def old_keys() -> list[tuple[str, bytes, bytes]]:
    """The previous keys (SAFETRAIN_OLD_DATA_KEYS, comma list), for decryption only."""
    raw = getattr(settings, "SAFETRAIN_OLD_DATA_KEYS", "") or ""
    if isinstance(raw, list | tuple):
        items = [str(k).strip() for k in raw]
    else:
        items = [k.strip() for k in str(raw).split(",")]
    return [_keys(k, settings.SECRET_KEY) for k in items if k]


def decryption_keys() -> dict[str, bytes]:
    """Key id → encryption key, the current key first, then the old ones."""
    keys = {key_id: enc for key_id, enc, _ in old_keys()}
    key_id, enc, _ = current_keys()
    return {key_id: enc, **{k: v for k, v in keys.items() if k != key_id}}


def key_id_of(token: str) -> str:
    """The id of the key that wrote a ciphertext (`v1:<key id>:…`)."""
    return token.split(":", 2)[1] if token.count(":") >= 2 else ""


def generate_key() -> str:
    """A new random data key in the SAFETRAIN_DATA_KEY format (32 bytes, urlsafe base64)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(plaintext: str) -> str:
    key_id, enc_key, _ = current_keys()
    nonce = os.urandom(12)
    ct = AESGCM(enc_key).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
    return f"v1:{key_id}:{base64.b64encode(nonce + ct).decode()}"


def encryptor() -> Callable[[str], str]:
    """encrypt() for many values in a tight loop (bulk imports): the keys and the cipher are set
    up once; each value still gets its own random nonce, so the output is exactly encrypt()'s."""
    key_id, enc_key, _ = current_keys()
    cipher, aad, prefix, urandom, b64 = (
        AESGCM(enc_key),
        key_id.encode(),
        f"v1:{key_id}:",
        os.urandom,
        base64.b64encode,
    )

    def encrypt_one(plaintext: str) -> str:
        nonce = urandom(12)
        return prefix + b64(nonce + cipher.encrypt(nonce, plaintext.encode("utf-8"), aad)).decode()

    return encrypt_one


def decrypt(token: str) -> str:
    version, key_id, payload = token.split(":", 2)
    if version != "v1":
        raise ValueError("unknown ciphertext version")
    enc_key = decryption_keys().get(key_id)
    if enc_key is None:
        raise ValueError(
            "value was encrypted with an unknown key; set it in SAFETRAIN_OLD_DATA_KEYS"
        )
    blob = base64.b64decode(payload)
    return AESGCM(enc_key).decrypt(blob[:12], blob[12:], key_id.encode()).decode("utf-8")


def lookup_hash(value: str) -> str:
    """Keyed hash (HMAC-SHA256) used to find a record by a personal identifier."""
    _, _, mac_key = current_keys()
    return hmac.new(mac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def lookup_hasher() -> Callable[[str], str]:
    """lookup_hash() for many values in a tight loop (bulk imports): the key is read from the
    settings once and the keyed HMAC set up once (each value hashes a copy of it); the hashes
    are exactly lookup_hash()'s."""
    _, _, mac_key = current_keys()
    keyed = hmac.new(mac_key, digestmod=hashlib.sha256)

    def lookup_one(value: str) -> str:
        mac = keyed.copy()
        mac.update(value.encode("utf-8"))
        return mac.hexdigest()

    return lookup_one
