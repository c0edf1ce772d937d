from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "safetrain.dashboards"
    verbose_name = "监管看板与通报"

    def ready(self) -> None:
        from safetrain.core import events
        from safetrain.dashboards import stats
        from safetrain.web.archive import archive_sections

        events.subscribe_persons_dated(stats.persons_changed)
        events.subscribe_enterprises(stats.enterprise_changed)
        from safetrain.dashboards.person_pdf import archive_pdf_section

        archive_sections.append(archive_pdf_section)
