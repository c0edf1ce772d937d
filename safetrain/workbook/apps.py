from django.apps import AppConfig


class WorkbookConfig(AppConfig):
    name = "safetrain.workbook"
    label = "workbook"
