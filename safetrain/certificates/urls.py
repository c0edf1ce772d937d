"""Mounted at the root by config/urls.py: the pages under /certificates/ and the public
verification page /verify/c/<token>/ share the `certificates` namespace."""

from django.urls import path

from safetrain.certificates import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.ledger_view, name="ledger"),
    path("certificates/add/", views.add_view, name="add"),
    path("certificates/reminders/", views.reminders_view, name="reminders"),
    path("certificates/mine/", views.mine_view, name="mine"),
    path(
        "certificates/notifications/<int:pk>/read/",
        views.notification_read_view,
        name="notification_read",
    ),
    path("certificates/<int:pk>/", views.detail_view, name="detail"),
    path("certificates/<int:pk>/review/", views.review_view, name="review"),
    path("certificates/<int:pk>/renew/", views.renew_view, name="renew"),
    path("certificates/<int:pk>/revoke/", views.revoke_view, name="revoke"),
    path("verify/c/<str:token>/", views.verify_view, name="verify"),
]
