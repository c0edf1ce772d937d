from django.urls import path

from safetrain.inspections import plan_views, views

app_name = "inspections"

urlpatterns = [
    # the list lives under checks/ so that its menu entry is not a prefix of the others
    path("", views.home, name="home"),
    path("checks/", views.inspection_index, name="index"),
    path("checks/new/<str:credit_code>/", views.inspection_new, name="new"),
    path("checks/<int:pk>/", views.inspection_detail, name="detail"),
    path("orders/", views.order_index, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("enterprise/<str:credit_code>/order/", views.order_new, name="order_new"),
    path("retests/", views.retest_index, name="retests"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/plan/<int:pk>/", views.plan_download, name="plan_download"),
    path("plans/", plan_views.plan_index, name="plans"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("roster/", plan_views.roster, name="roster"),
    path("draws/", plan_views.draw_index, name="draws"),
    path("draws/<int:pk>/", plan_views.draw_detail, name="draw"),
]
