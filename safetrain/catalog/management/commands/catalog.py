from django.core.management.base import BaseCommand

from safetrain.catalog.services import catalog_load


class Command(BaseCommand):
    help = "Reference data: `safetrain catalog load` (idempotent) loads regions, sectors, operations, job types."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])

    def handle(self, *args, **options):
        counts = catalog_load()
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")
