"""The public survey page's URL: /survey/<token>/ (no login; see kpis.survey_views)."""

from django.urls import path

from kpis import survey_views

app_name = "surveys"
urlpatterns = [
    path("<str:token>/", survey_views.survey_answer_view, name="answer"),
]
