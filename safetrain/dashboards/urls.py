from django.urls import path

from safetrain.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/notice.xlsx", views.notice_xlsx, name="notice_xlsx"),
    path("person/<uuid:uid>/archive.pdf", views.person_archive_pdf, name="person_pdf"),
    path("verify/a/<str:token>/", views.verify_archive, name="verify_archive"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/<str:chart>.xlsx", views.export, name="export"),
]
