from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "safetrain.certificates"
    label = "certificates"
