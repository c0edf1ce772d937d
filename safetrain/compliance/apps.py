from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "safetrain.compliance"
    label = "compliance"

    def ready(self) -> None:
        from safetrain.compliance import hooks
        from safetrain.core import events

        events.subscribe_persons(hooks.persons_changed)
        events.subscribe_enterprises(hooks.enterprise_changed)
