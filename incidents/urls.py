"""URLs of incidents, under /incidents/ (namespace "incidents")."""

from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/status/", views.incident_status, name="status"),
    path("<int:pk>/link/", views.incident_link, name="link"),
    path("<int:pk>/unlink/", views.incident_unlink, name="unlink"),
    path("<int:pk>/suggest/", views.incident_suggest, name="suggest"),
    path("<int:pk>/bulk-reply/", views.incident_bulk_reply, name="bulk_reply"),
    path("cases/<int:case_pk>/panel/", views.case_panel, name="case_panel"),
    path("cases/<int:case_pk>/link/", views.case_link, name="case_link"),
]
