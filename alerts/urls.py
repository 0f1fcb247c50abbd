from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("banner/", views.console_banner, name="console_banner"),
    path("<int:pk>/", views.spike_detail, name="detail"),
    path("<int:pk>/status/", views.spike_status, name="spike_status"),
    path("capacity/<int:pk>/status/", views.capacity_status, name="capacity_status"),
]
