from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "safetrain.certificates"
    label = "certificates"
    verbose_name = "证书"

    def ready(self) -> None:
        # registers the 证书 sheet with the workbook registry
        from safetrain.certificates import sheets  # noqa: F401
        from safetrain.certificates.archive import archive_section

        try:
            from safetrain.web.archive import archive_sections
        except ImportError:  # the web app's archive registry is optional
            return
        if archive_section not in archive_sections:
            archive_sections.append(archive_section)
