from django.core.management.base import BaseCommand, CommandError

from safetrain.core.dates import parse_iso_date


class Command(BaseCommand):
    help = (
        "Certificates: `safetrain certificates remind [--on YYYY-MM-DD]` creates the in-app "
        "reminders (review due within 60 days, expiry within 90 days); idempotent, run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--on", default="", help="the day to evaluate (default today)")

    def handle(self, *args, **options):
        from safetrain.certificates.services import certificate_remind

        on = None
        if options["on"]:
            try:
                on = parse_iso_date(options["on"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        created = certificate_remind(on=on)
        self.stdout.write(f"reminders created: {created}")
