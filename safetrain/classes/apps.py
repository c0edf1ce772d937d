from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "safetrain.classes"
    label = "classes"
    verbose_name = "培训班与培训计划"

    def ready(self) -> None:
        # registers the 培训签到 sheet with the workbook registry
        from safetrain.classes import sheets  # noqa: F401
        from safetrain.classes.home import plan_home_section

        try:
            from safetrain.web.archive import home_sections
        except ImportError:  # the web app's home registry is optional
            return
        if plan_home_section not in home_sections:
            home_sections.append(plan_home_section)
