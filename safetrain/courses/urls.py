from django.urls import path

from safetrain.courses import views

app_name = "courses"

urlpatterns = [
    path("", views.market_view, name="market"),
    path("new/", views.course_edit_view, name="create"),
    path("manage/", views.manage_view, name="manage"),
    path("assign/", views.assign_view, name="assign"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.course_edit_view, name="edit"),
    path("<int:pk>/enrol/", views.enrol_view, name="enrol"),
    path("<int:pk>/quiz/", views.quiz_view, name="quiz"),
    path("<int:pk>/quiz/edit/", views.quiz_edit_view, name="quiz_edit"),
    path("lessons/<int:pk>/", views.lesson_view, name="lesson"),
    path("lessons/<int:pk>/file/", views.lesson_file_view, name="lesson_file"),
]
