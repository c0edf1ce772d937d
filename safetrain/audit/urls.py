from django.urls import path

from safetrain.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("persons/<uuid:uid>/unmask/", views.unmask, name="unmask"),
]
