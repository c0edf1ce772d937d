from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safetrain.demo"
    label = "demo"
    verbose_name = "演示与合成数据"
