from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "safetrain.courses"
    label = "courses"
    verbose_name = "课程超市"
