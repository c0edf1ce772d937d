"""Mounted at /classes/ by config/urls.py (namespace `classes`)."""

from django.urls import path

from safetrain.classes import views

app_name = "classes"

urlpatterns = [
    path("sessions/", views.session_list_view, name="list"),
    path("sessions/new/", views.session_create_view, name="create"),
    path("mine/", views.my_sessions_view, name="mine"),
    path("sessions/<int:pk>/", views.session_detail_view, name="detail"),
    path("sessions/<int:pk>/qr/", views.qr_view, name="qr"),
    path(
        "sessions/<int:pk>/venues/<int:venue>/remove/",
        views.venue_remove_view,
        name="venue_remove",
    ),
    path("sessions/<int:pk>/report/", views.report_view, name="report"),
    path("sessions/<int:pk>/report.xlsx", views.report_export_view, name="report_export"),
    path("sessions/<int:pk>/attendance/", views.attendance_view, name="attendance"),
    path("sessions/<int:pk>/remove/", views.roster_remove_view, name="remove"),
    path("sessions/<int:pk>/complete/", views.complete_view, name="complete"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
    path("plans/", views.plan_list_view, name="plans"),
    path("plans/<int:pk>/", views.plan_detail_view, name="plan"),
    path(
        "plans/<int:pk>/items/<int:item>/remove/",
        views.plan_item_remove_view,
        name="plan_item_remove",
    ),
]
