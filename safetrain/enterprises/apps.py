from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "safetrain.enterprises"
    label = "enterprises"
    verbose_name = "企业"

    def ready(self) -> None:
        from safetrain.enterprises import sheets  # noqa: F401  (registers the 企业 sheet)
