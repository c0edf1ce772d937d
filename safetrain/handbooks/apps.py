from django.apps import AppConfig


class HandbooksConfig(AppConfig):
    name = "safetrain.handbooks"
    label = "handbooks"
    verbose_name = "应知应会手册"
