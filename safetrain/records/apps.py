from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "safetrain.records"
    label = "records"
    verbose_name = "培训与考核记录"
