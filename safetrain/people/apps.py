from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safetrain.people"
    label = "people"
    verbose_name = "人员与账号"
