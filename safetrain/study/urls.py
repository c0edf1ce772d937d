from django.urls import path

from safetrain.study import views

app_name = "study"

urlpatterns = [
    path("", views.my_courses, name="mine"),
    path("lessons/<int:pk>/", views.lesson, name="lesson"),
]
