from django.apps import AppConfig


class HandbooksConfig(AppConfig):
    name = "safetrain.handbooks"
    label = "handbooks"
    verbose_name = "应知应会手册"

    def ready(self) -> None:
        from safetrain.handbooks.home import handbook_home_section

        try:
            from safetrain.web.archive import home_sections
        except ImportError:  # the web app's home registry is optional
            return
        if handbook_home_section not in home_sections:
            home_sections.append(handbook_home_section)
