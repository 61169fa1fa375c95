from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts import api as accounts_api
from chromamatch_site.health import health

api_patterns = [
    path("auth/signup", accounts_api.SignupApi.as_view(), name="signup"),
    path("auth/token", accounts_api.TokenApi.as_view(), name="token"),
    path("account", accounts_api.AccountApi.as_view(), name="account"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("health", health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
    path("", include("django_prometheus.urls")),
]
