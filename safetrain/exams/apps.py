from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "safetrain.exams"
    label = "exams"
    verbose_name = "考试"
