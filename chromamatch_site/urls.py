from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts import api as accounts_api
from accounts import views as accounts_views
from analysis import api as analysis_api
from chromamatch_site.api_errors import NO_ROUTE, no_route
from chromamatch_site.docs_pages import own_files_only
from chromamatch_site.health import health

api_patterns = [
    path("auth/signup", accounts_api.SignupApi.as_view(), name="signup"),
    path("auth/token", accounts_api.TokenApi.as_view(), name="token"),
    path("account", accounts_api.AccountApi.as_view(), name="account"),
    path("account/export", accounts_api.AccountExportApi.as_view(), name="account-export"),
    path("analyze", analysis_api.AnalyzeApi.as_view(), name="analyze"),
    path("analyses/", analysis_api.AnalysisListApi.as_view(), name="analyses"),
    path("analyses/<int:pk>", analysis_api.AnalysisApi.as_view(), name="analysis"),
    path(
        "analyses/<int:pk>/drape.png",
        analysis_api.AnalysisDrapeApi.as_view(),
        name="analysis-drape",
    ),
    path("color-check", analysis_api.ColorCheckApi.as_view(), name="color-check"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", own_files_only(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"
    ),
    path(
        "redoc/", own_files_only(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"
    ),
    # Last: every other /api/ address answers the JSON 404 (see no_route). Any character,
    # newlines too: an address with %0A in it is an address, and "." stopped there, so the
    # request fell through to the HTML 404. (Django cannot reverse a pattern with flags.)
    re_path(r"^[\s\S]*$", no_route, name=NO_ROUTE),
]

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("health", health, name="health"),
    # The original ChromaMatch's path, kept for its clients.
    path("analyze", analysis_api.AnalyzeApi.as_view(), name="analyze-legacy"),
    path("accounts/", include("accounts.urls")),
    path("", include("analysis.urls")),
    path("", include("monitoring.urls")),
    path("api/", include((api_patterns, "api"))),
    # Before the admin's own: its login with the site's sign-in throttle.
    path("admin/login/", accounts_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include("django_prometheus.urls")),
]
