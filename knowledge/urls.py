"""URLs of the help centre, under /help/: public pages first, then staff ones; article slugs last
(knowledge.models.RESERVED_SLUGS keeps them from shadowing a page)."""

from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("ask/matches/", views.ask_matches, name="ask_matches"),
    path("gaps/", views.gaps, name="gaps"),
    path("case/<int:pk>/suggestions/", views.case_suggestions, name="case_suggestions"),
    path("<slug:slug>/", views.article_detail, name="article"),
    path("<slug:slug>/feedback/", views.article_feedback, name="feedback"),
]
