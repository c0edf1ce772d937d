from django.urls import path

from safetrain.records import views

app_name = "records"

urlpatterns = [
    path("", views.records_home, name="index"),
    path("training/new/", views.training_add, name="training_add"),
    path("exams/new/", views.exam_add, name="exam_add"),
    path("violations/new/", views.violation_add, name="violation_add"),
    path("drills/new/", views.drill_add, name="drill_add"),
    path("incidents/new/", views.incident_add, name="incident_add"),
    path("enterprise/<str:credit_code>/", views.enterprise_records, name="enterprise_records"),
]
