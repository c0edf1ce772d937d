from django.contrib.auth import views as auth_views
from django.urls import path

from safetrain.web import views
from safetrain.web.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("enterprises/", views.enterprise_list_view, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:credit_code>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("persons/", views.person_list_view, name="person_list"),
    path("persons/lookup/", views.person_lookup_view, name="person_lookup"),
    path("persons/<uuid:uid>/", views.person_detail, name="person_detail"),
    path("me/", views.my_archive, name="my_archive"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
]
