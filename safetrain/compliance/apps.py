from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "safetrain.compliance"
    label = "compliance"

    def ready(self) -> None:
        from safetrain.compliance import hooks
        from safetrain.core import events

        events.subscribe_persons(hooks.persons_changed)
        events.subscribe_enterprises(hooks.enterprise_changed)

        from safetrain.compliance.pages import archive_section, enterprise_section
        from safetrain.records.archive import enterprise_section as records_enterprise_section
        from safetrain.web.archive import archive_sections, enterprise_sections

        # the status and its history come first in the person's archive
        if archive_section not in archive_sections:
            archive_sections.insert(0, archive_section)
        # the enterprise page: today's work clearance, then drills and incidents (records)
        for fn in (enterprise_section, records_enterprise_section):
            if fn not in enterprise_sections:
                enterprise_sections.append(fn)
