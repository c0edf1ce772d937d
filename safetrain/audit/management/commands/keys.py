"""`safetrain keys generate` prints a new data key; `safetrain keys rotate` re-encrypts every
stored personal value under the current SAFETRAIN_DATA_KEY (old keys in SAFETRAIN_OLD_DATA_KEYS),
all or nothing. See docs/security.md#personal-data.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from safetrain.audit.keys import rotate
from safetrain.audit.models import AuditEventKind, AuditResult
from safetrain.audit.services import audit_record
from safetrain.core import crypto
from safetrain.people.management.base import ExitOneCommand


class Command(ExitOneCommand):
    help = "Data keys: `keys generate` prints a new key; `keys rotate` re-encrypts under the current key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="generate|rotate")
        sub.add_parser("generate", help="print a new random key (32 bytes, urlsafe base64)")
        rot = sub.add_parser("rotate", help="re-encrypt every value under the current key")
        rot.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self.stdout.write(crypto.generate_key())
            return
        try:
            result = rotate(batch_size=max(1, options["batch_size"]))
        except ValueError as exc:
            audit_record(
                event=AuditEventKind.KEY_ROTATION, result=AuditResult.FAILURE, detail=str(exc)
            )
            self.stderr.write(f"密钥轮换失败，未修改任何数据：{exc}")
            raise SystemExit(1) from exc
        audit_record(
            event=AuditEventKind.KEY_ROTATION,
            detail=f"{result.values} values in {result.rows} rows now under key {result.key_id}",
        )
        self.stdout.write(
            f"已用当前密钥（{result.key_id}）重新加密 {result.values} 个值（{result.rows} 行）"
        )
