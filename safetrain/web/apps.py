from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safetrain.web"
    label = "web"
