from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "xAPI: `safetrain xapi forward [--limit N]` sends the stored statements not yet forwarded "
        "to the learning record store of SAFETRAIN_XAPI_LRS_URL (docs/study.md); exit 1 when a "
        "batch fails (it stays queued)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["forward"])
        parser.add_argument("--limit", type=int, default=None, help="at most this many statements")

    def handle(self, *args, **options):
        from safetrain.study.forwarding import ForwardingNotConfigured, forward

        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit 须为正整数")
        try:
            result = forward(limit=options["limit"])
        except ForwardingNotConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"forwarded: {result.sent}")
        if result.failed:
            raise CommandError(f"转发失败（{result.failed} 条仍在队列中）：{result.error}")
