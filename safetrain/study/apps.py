from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "safetrain.study"
    label = "study"
    verbose_name = "在线学习"

    def ready(self) -> None:
        from safetrain.study import receivers

        receivers.connect()
