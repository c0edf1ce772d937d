from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "safetrain.enterprises"
    label = "enterprises"
    verbose_name = "企业"
