from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "safetrain.archive"
    label = "archive"
