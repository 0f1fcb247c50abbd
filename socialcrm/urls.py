"""Root URLs: the console, the KPI pages, channel webhooks, admin, login and the health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from channels_app.webhooks import channel_webhook
from socialcrm import views
from socialcrm.ratelimit import rate_limited
from socialcrm.signin import LockoutAdminAuthenticationForm, SignInView

admin.site.login_form = LockoutAdminAuthenticationForm
handler400 = "socialcrm.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("console/", include("cases.urls")),
    path("kpis/", include("kpis.urls")),
    path("api/", include("api.urls")),
    path("survey/", include("kpis.survey_urls")),
    path("listening/", include("listening.urls")),
    path("alerts/", include("alerts.urls")),
    path("incidents/", include("incidents.urls")),
    path("leads/", include("leads.urls")),
    path("help/", include("knowledge.urls")),
    path("goodwill/", include("goodwill.urls")),
    path("webhooks/<int:channel_id>/", channel_webhook, name="channel_webhook"),
    # The admin's own sign-in, throttled per address like the console's (its form adds the lockout).
    path("admin/login/", rate_limited("login", methods=("POST",))(admin.site.login)),
    path("admin/", admin.site.urls),
]
