"""API URLs: /api/v1/ resources, the OpenAPI schema at /api/schema/ and its documentation at /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views import audit, cases, directory, goodwill, privacy, webhooks

router = DefaultRouter()
for module in (cases, directory, webhooks, goodwill, audit, privacy):
    module.register(router)

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
