from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "safetrain.surveys"
    label = "surveys"
    verbose_name = "问卷调查"

    def ready(self) -> None:
        # the questionnaires and their results are a section of the inspection page
        from safetrain.inspections.sections import inspection_sections
        from safetrain.surveys.sections import inspection_section

        if inspection_section not in inspection_sections:
            inspection_sections.append(inspection_section)
