import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Exams: `safetrain exams close-expired` grades every attempt past its deadline on its "
        "saved answers (idempotent; run from cron every minute or so). `bench-setup` and "
        "`bench-check` prepare and verify the exam-peak benchmark (docs/benchmarks.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["close-expired", "bench-setup", "bench-start", "bench-check"]
        )
        parser.add_argument("--candidates", type=int, default=2000)
        parser.add_argument("--questions", type=int, default=50)
        parser.add_argument("--out", default="exam-bench.json")
        parser.add_argument("--acks", default="")

    def handle(self, *args, **options):
        from safetrain.exams import bench
        from safetrain.exams.services import close_expired

        action = options["action"]
        if action == "close-expired":
            self.stdout.write(f"attempts closed: {close_expired()}")
        elif action == "bench-setup":
            bench.setup(
                candidates=options["candidates"],
                questions=options["questions"],
                out=Path(options["out"]),
                echo=self.stdout.write,
            )
        elif action == "bench-start":
            fixtures = json.loads(Path(options["out"]).read_text())
            bench.prestart(exam_id=fixtures["exam"], echo=self.stdout.write)
        else:
            if not options["acks"] or not Path(options["acks"]).exists():
                raise CommandError("--acks FILE (the acknowledged saves) is required")
            self.stdout.write(json.dumps(bench.check(Path(options["acks"]))))
