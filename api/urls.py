"""API URLs: /api/v1/ resources, the OpenAPI schema at /api/schema/ and its documentation at /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views import cases, directory, webhooks

router = DefaultRouter()
for module in (cases, directory, webhooks):
    module.register(router)

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
