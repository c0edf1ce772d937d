from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "safetrain.records"
    label = "records"
    verbose_name = "培训与考核记录"

    def ready(self) -> None:
        from safetrain.records import sheets  # noqa: F401  (registers the workbook sheets)
        from safetrain.records.archive import exam_section, training_section, violation_section
        from safetrain.web.archive import archive_sections

        for fn in (training_section, exam_section, violation_section):
            if fn not in archive_sections:
                archive_sections.append(fn)
