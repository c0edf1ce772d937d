"""Mounted at /rescue/ by config/urls.py (namespace `rescue`)."""

from django.urls import path

from safetrain.rescue import views

app_name = "rescue"

urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard-flag/", views.dashboard_flag, name="dashboard_flag"),
    path("enterprise/<int:pk>/", views.enterprise_view, name="enterprise"),
    path("teams/<int:pk>/", views.team_view, name="team"),
    path("teams/<int:pk>/members/<int:member>/leave/", views.member_leave_view, name="leave"),
]
