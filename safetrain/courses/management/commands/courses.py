from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Course market: `safetrain courses reindex` rebuilds every course's search text; "
        "`safetrain courses bench [--courses N] [--repeat R]` times the market search over N "
        "synthetic courses (inside a transaction that is rolled back: nothing stays)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["reindex", "bench"])
        parser.add_argument("--courses", type=int, default=5000)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, **options):
        from django.db import connection

        if options["action"] == "reindex":
            from safetrain.courses.models import Course
            from safetrain.courses.services import refresh_search_text

            count = 0
            for course in Course.objects.only("pk").iterator():
                refresh_search_text(course)
                count += 1
            self.stdout.write(f"courses reindexed: {count}")
            return
        if options["courses"] < 1 or options["repeat"] < 1:
            raise CommandError("--courses and --repeat must be at least 1")
        from safetrain.courses.bench import run

        results = run(options["courses"], options["repeat"])
        self.stdout.write(
            f"market search over {options['courses']} synthetic courses + existing ones, "
            f"{connection.vendor}, {options['repeat']} runs each (count + first page of 20)"
        )
        self.stdout.write(f"{'filters':<44} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for row in results:
            label = " ".join(f"{k}={v}" for k, v in row["filters"].items())
            self.stdout.write(
                f"{label:<44} {row['hits']:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
                f"{row['max_ms']:>8.1f}"
            )
