from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "safetrain.inspections"
    label = "inspections"
    verbose_name = "执法检查"

    def ready(self) -> None:
        from safetrain.core import events
        from safetrain.inspections import hooks

        # a record that clears a finding may close a correction order (docs/inspections.md)
        events.subscribe_persons(hooks.persons_changed)

        from safetrain.inspections.sections import enterprise_section
        from safetrain.web.archive import enterprise_sections

        if enterprise_section not in enterprise_sections:
            enterprise_sections.append(enterprise_section)
