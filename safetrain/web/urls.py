from django.urls import path

from safetrain.accounts.views import SignInView, SignOutView
from safetrain.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", SignInView.as_view(), name="login"),  # safetrain.accounts: lock, 2FA
    path("logout/", SignOutView.as_view(), name="logout"),
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
