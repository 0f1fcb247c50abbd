from django.urls import path

from leads import views

app_name = "leads"

urlpatterns = [
    path("", views.lead_list, name="list"),
    path("<int:pk>/", views.lead_page, name="detail"),
    path("<int:pk>/claim/", views.lead_claim_view, name="claim"),
    path("<int:pk>/contacted/", views.lead_contacted_view, name="contacted"),
    path("<int:pk>/won/", views.lead_won_view, name="won"),
    path("<int:pk>/lost/", views.lead_lost_view, name="lost"),
    path("<int:pk>/notes/", views.lead_notes_view, name="notes"),
]
