from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safetrain.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from safetrain.audit import signals

        signals.connect()
        try:
            from safetrain.web.archive import archive_sections
        except ImportError:  # pragma: no cover - the web app is always installed
            return
        from safetrain.audit.views import unmask_section

        if unmask_section not in archive_sections:
            archive_sections.append(unmask_section)  # listed in the page's table of contents
