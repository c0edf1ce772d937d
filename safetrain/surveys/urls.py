from django.urls import path

from safetrain.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_mine, name="mine"),
    path("new/<int:inspection_pk>/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_manage, name="manage"),
    path("s/<str:token>/", views.survey_answer, name="answer"),
]
