from django.apps import AppConfig


class RescueConfig(AppConfig):
    name = "safetrain.rescue"
    label = "rescue"
    verbose_name = "应急救援队伍"
