"""``safetrain archive verify`` and ``safetrain archive head`` (docs/archive.md).

- ``archive verify [--records]``: exit 0 when the record log is intact, 1 naming the first
  modified, deleted or reordered entry (seq and what is wrong). ``--records`` also compares every
  logged record's current row with its latest entry (a record edited behind the services' back).
- ``archive head [--sign KEYFILE] [--out FILE]``: the chain head as JSON (date, seq, hash, and
  with a key an Ed25519 signature); ``archive head --verify FILE --public-key PEM``: exit 0 when
  the signature holds and the log still holds that entry with that hash.
- ``archive keygen PRIVATE.pem PUBLIC.pem``: a new Ed25519 key pair for signing heads.
- ``archive backfill``: one entry for each record written before the log existed.
- ``archive bench [--rows N]``: the log's cost on an import (rolled back).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetrain.archive import chain, heads
from safetrain.core.dates import today


class Command(BaseCommand):
    help = "The tamper-evident record log: verify, export and sign the head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="check the hash chain (exit 1 on the first bad entry)"
        )
        verify.add_argument(
            "--records",
            action="store_true",
            help="also compare each record's current row with its latest log entry",
        )
        verify.add_argument("--json", action="store_true")
        head = sub.add_parser("head", help="export (and sign) the chain head, or check a file")
        head.add_argument("--sign", metavar="KEYFILE", help="Ed25519 private key (PEM)")
        head.add_argument("--out", metavar="FILE", help="write the JSON here (default: print)")
        head.add_argument("--verify", metavar="FILE", help="check a head file instead")
        head.add_argument("--public-key", metavar="PEM", help="the public key for --verify")
        sub.add_parser("backfill", help="log the records written before the log existed")
        bench = sub.add_parser("bench", help="measure the log's cost on an import (rolled back)")
        bench.add_argument("--rows", type=int, default=10_000)
        bench.add_argument("--repeat", type=int, default=2)
        keygen = sub.add_parser("keygen", help="make an Ed25519 key pair for --sign")
        keygen.add_argument("private")
        keygen.add_argument("public")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "verify":
                self.verify(records=options["records"], as_json=options["json"])
            elif action == "head":
                if options["verify"]:
                    self.head_verify(options["verify"], options["public_key"])
                else:
                    self.head_export(options["sign"], options["out"])
            elif action == "backfill":
                for label, n in chain.backfill().items():
                    self.stdout.write(f"{label}: {n} entries")
            elif action == "bench":
                from safetrain.archive.bench import run

                self.stdout.write(json.dumps(run(options["rows"], options["repeat"]), indent=2))
            else:
                kid = heads.generate_key(Path(options["private"]), Path(options["public"]))
                self.stdout.write(
                    f"key {kid}: private {options['private']}, public {options['public']}"
                )
        except heads.HeadError as exc:
            raise CommandError(str(exc)) from exc

    def verify(self, *, records: bool, as_json: bool) -> None:
        report = chain.verify(records=records)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "entries": report.entries,
                        "head": {"seq": report.head_seq, "hash": report.head_hash},
                        "problem": (
                            {"seq": report.problem.seq, "what": report.problem.what}
                            if report.problem
                            else None
                        ),
                        "records_checked": report.records_checked if records else None,
                        "record_problems": report.record_problems if records else None,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            if report.problem is None:
                self.stdout.write(
                    f"record log intact: {report.entries} entries, "
                    f"head {report.head_seq} {report.head_hash[:16]}"
                )
            else:
                self.stderr.write(f"record log BROKEN at {report.problem}")
            if records:
                self.stdout.write(
                    f"records checked: {report.records_checked}, "
                    f"differing from the log: {len(report.record_problems)}"
                )
                for line in report.record_problems:
                    self.stderr.write(f"  {line}")
        if not report.ok:
            sys.exit(1)

    def head_export(self, keyfile: str | None, out: str | None) -> None:
        key = heads.load_private(Path(keyfile)) if keyfile else None
        seq, head_hash = chain.head()
        doc = heads.head_document(seq, head_hash, today(), key)
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stdout.write(f"head {seq} {head_hash[:16]} written to {out}")
        else:
            self.stdout.write(text, ending="")

    def head_verify(self, path: str, public_key: str | None) -> None:
        if not public_key:
            raise CommandError("--verify needs --public-key PEM")
        doc = heads.read_document(Path(path))
        heads.check_signature(doc, heads.load_public(Path(public_key)))
        from safetrain.archive.models import LogEntry

        seq = int(doc["seq"])
        if seq == 0:
            self.stdout.write(f"signature valid; the head of {doc['date']} is the empty log")
            return
        entry = LogEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if entry is None:
            self.stderr.write(f"signature valid, but entry {seq} is no longer in the log")
            sys.exit(1)
        if entry != doc["hash"]:
            self.stderr.write(
                f"signature valid, but entry {seq} now has hash {entry[:16]}…, "
                f"not {str(doc['hash'])[:16]}… as signed on {doc['date']}: the log was rewritten"
            )
            sys.exit(1)
        self.stdout.write(
            f"signature valid; entry {seq} still has the hash signed on {doc['date']}"
        )
