from django.urls import path

from listening import views

app_name = "listening"

urlpatterns = [
    path("", views.stream, name="stream"),
    path("posts/<int:post_id>/open-case/", views.open_case, name="open_case"),
    path("posts/<int:post_id>/not-relevant/", views.not_relevant, name="not_relevant"),
    path("rules/", views.report, name="report"),
]
