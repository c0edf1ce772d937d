"""Mounted at /handbooks/ by config/urls.py (namespace `handbooks`)."""

from django.urls import path

from safetrain.handbooks import views

app_name = "handbooks"

urlpatterns = [
    path("", views.handbook_list_view, name="list"),
    path("mine/", views.mine_view, name="mine"),
    path("<int:pk>/", views.handbook_detail_view, name="detail"),
    path("<int:pk>/items/<int:item>/edit/", views.item_edit_view, name="edit"),
    path("<int:pk>/items/<int:item>/remove/", views.item_remove_view, name="remove"),
    path("items/<int:item>/read/", views.read_view, name="read"),
]
