from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safetrain.people"
    label = "people"
    verbose_name = "人员与账号"

    def ready(self) -> None:
        from safetrain.people import sheets  # noqa: F401  (registers 人员, 岗位变动, 离岗)
