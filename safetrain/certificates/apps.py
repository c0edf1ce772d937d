from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "safetrain.certificates"
    label = "certificates"
    verbose_name = "证书"

    def ready(self) -> None:
        # registers the 证书 sheet with the workbook registry
        from safetrain.certificates import sheets  # noqa: F401
