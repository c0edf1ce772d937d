from django.urls import path

from safetrain.exams import views

app_name = "exams"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("new/", views.create_view, name="create"),
    path("spot-check/", views.spot_check_view, name="spot_check"),
    path("<int:pk>/take/", views.take_view, name="take"),
    path("<int:pk>/results/", views.results_view, name="results"),
    path("<int:pk>/host/", views.host_view, name="host"),
    path("attempts/<str:uid>/", views.attempt_view, name="attempt"),
]
