from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import api
from core.views import healthz
from reviews.public import fact_check
from web.views import dashboard

# Under /api/ these answer in the API's JSON error format (core/views.py); a page request
# too large to read (a very long paste) gets a page that says so.
handler400 = "core.views.bad_request"
handler500 = "core.views.server_error"

admin.site.site_header = "Corroborate"
admin.site.site_title = "Corroborate admin"
admin.site.index_title = "Claims, sources and verdicts"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The REST API (config/api.py) and its OpenAPI schema, Swagger UI and Redoc.
    path("api/v1/", include(api.urlpatterns)),
    path("api/", include(api.schema_urlpatterns)),
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # POST only (Django's LogoutView), so a link or an image cannot sign anyone out.
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor: verify, enrol, recovery codes (core/second_factor.py).
    path("accounts/second-factor/", include("core.urls")),
    path("", dashboard, name="dashboard"),
    path("claims/", include("web.urls")),
    # New claims from an article: paste a story, accept or dismiss what it suggests.
    path("extractions/", include("extraction.urls")),
    # Public: a published verdict with its ClaimReview JSON-LD, for anyone to read.
    path("fact-checks/<int:pk>/", fact_check, name="fact_check"),
    path("", include("reviews.urls")),
    path("", include("corroboration.urls")),
    # Track records of outlets, sources and anonymous descriptors.
    path("", include("trackrecords.urls")),
]
