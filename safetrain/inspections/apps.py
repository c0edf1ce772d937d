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
