from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "safetrain.compliance"
    label = "compliance"
