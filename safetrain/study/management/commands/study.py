from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Online study: `safetrain study bench-fixtures --learners N --out FILE` prepares an empty "
        "database for the heartbeat load test (benchmarks/study_heartbeats.sh)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["bench-fixtures"])
        parser.add_argument("--learners", type=int, default=2000)
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        from safetrain.study.bench import bench_fixtures

        if options["learners"] < 1 or options["learners"] > 100_000:
            raise CommandError("--learners 应在 1 到 100000 之间")
        result = bench_fixtures(learners=options["learners"], out=Path(options["out"]))
        self.stdout.write(f"learners: {result['learners']}, lesson: {result['lesson']}")
