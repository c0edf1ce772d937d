from django.urls import path

from safetrain.questions import views

app_name = "questions"

urlpatterns = [
    path("", views.bank_list_view, name="banks"),
    path("banks/new/", views.bank_new_view, name="bank_new"),
    path("banks/<int:pk>/", views.bank_detail_view, name="bank"),
    path("banks/<int:bank_pk>/add/", views.question_new_view, name="question_new"),
    path("q/<int:pk>/", views.question_view, name="question"),
    path("q/<int:pk>/retire/", views.question_retire_view, name="question_retire"),
    path("practice/start/", views.practice_start_view, name="practice_start"),
    path("practice/<int:pk>/", views.practice_view, name="practice"),
    path("wrong/", views.wrong_book_view, name="wrong_book"),
    path("mock/start/", views.mock_start_view, name="mock_start"),
    path("mock/<int:pk>/", views.mock_view, name="mock"),
]
