from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("auth/", include("safetrain.accounts.urls")),
    path("records/", include("safetrain.records.urls")),
    path("workbook/", include("safetrain.workbook.urls")),
    path("compliance/", include("safetrain.compliance.urls")),
    path("courses/", include("safetrain.courses.urls")),
    path("inspections/", include("safetrain.inspections.urls")),
    path("questions/", include("safetrain.questions.urls")),
    path("dashboards/", include("safetrain.dashboards.urls")),
    path("study/", include("safetrain.study.urls")),
    path("exams/", include("safetrain.exams.urls")),
    path("classes/", include("safetrain.classes.urls")),
    path("surveys/", include("safetrain.surveys.urls")),
    path("audit/", include("safetrain.audit.urls")),
    path("rescue/", include("safetrain.rescue.urls")),
    path("handbooks/", include("safetrain.handbooks.urls")),
    # /certificates/… pages and the public /verify/c/<token>/ (one `certificates` namespace)
    path("", include("safetrain.certificates.urls")),
    path("", include("safetrain.web.urls")),
]
