"""URLs of goodwill compensation, under /goodwill/."""

from django.urls import path

from goodwill import views

app_name = "goodwill"

urlpatterns = [
    path("cases/<int:case_pk>/panel/", views.case_panel, name="case_panel"),
    path("cases/<int:case_pk>/requests/", views.request_create, name="request_create"),
    path("approvals/", views.approvals, name="approvals"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", views.request_reject, name="request_reject"),
    path("report/", views.report, name="report"),
]
