from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safetrain.core"
    label = "core"
    verbose_name = "核心"
