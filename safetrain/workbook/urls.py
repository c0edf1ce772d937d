from django.urls import path

from safetrain.workbook import views

app_name = "workbook"

urlpatterns = [
    path("", views.import_view, name="import"),
    path("template.xlsx", views.template_view, name="template"),
    path("export.xlsx", views.export_view, name="export"),
]
