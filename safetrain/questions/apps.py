from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "safetrain.questions"
    label = "questions"
    verbose_name = "题库"

    def ready(self) -> None:
        # registers the 题库 sheet with the workbook registry
        from safetrain.questions import sheets  # noqa: F401
