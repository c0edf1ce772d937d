from django.urls import path

from safetrain.compliance import views

app_name = "compliance"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("person/<uuid:uid>/", views.person_card, name="person"),
    path("enterprise/", views.enterprise_mine, name="enterprise_mine"),
    path("enterprise/<str:credit_code>/", views.enterprise_page, name="enterprise"),
    path(
        "enterprise/<str:credit_code>/export.xlsx",
        views.enterprise_export,
        name="enterprise_export",
    ),
    path(
        "enterprise/<str:credit_code>/remedial/",
        views.enterprise_remedial,
        name="enterprise_remedial",
    ),
    path("todo/", views.todo, name="todo"),
    path("remedial/", views.remedial_mine, name="remedial_mine"),
]
