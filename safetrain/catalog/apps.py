from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "safetrain.catalog"
    label = "catalog"
    verbose_name = "目录"
