from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Exams: `safetrain exams close-expired` grades every attempt past its deadline on its "
        "saved answers (idempotent; run from cron every minute or so)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["close-expired"])

    def handle(self, *args, **options):
        from safetrain.exams.services import close_expired

        closed = close_expired()
        self.stdout.write(f"attempts closed: {closed}")
