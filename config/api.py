"""The REST API's one router: every resource under /api/v1/, and the OpenAPI schema with
its two readers (Swagger UI and Redoc, served from this site, no CDN).

To add an endpoint: a serializer in the app's serializers.py, a viewset in its api.py
(saying in `required` what each action needs, see integrations/policy.py), and one
line here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from csp.decorators import csp_update
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims.api import AttributionViewSet, ClaimViewSet, HistoryViewSet, RelationViewSet
from core.rest import JSONErrors, not_found
from corroboration.api import (
    ClaimPriorCheckViewSet,
    CorroborationViewSet,
    CoverageViewSet,
    FindCoverageViewSet,
    JobViewSet,
    PriorCheckViewSet,
)
from extraction.api import ExtractionViewSet, SuggestionViewSet
from integrations.api import WebhookEndpointViewSet
from reviews.api import ClaimReviewFeedView, ClaimReviewView, ReviewViewSet, SignOffViewSet, TransitionViewSet
from sources.api import ArticleViewSet, FeedViewSet, OutletViewSet, SourceViewSet
from trackrecords.api import OutletTrackRecordViewSet, SourceTrackRecordViewSet

CLAIM = r"claims/(?P<claim_id>[^/.]+)"

router = DefaultRouter()
router.register("claims", ClaimViewSet, basename="api-claim")
router.register(f"{CLAIM}/attributions", AttributionViewSet, basename="api-claim-attribution")
router.register(f"{CLAIM}/relations", RelationViewSet, basename="api-claim-relation")
router.register(f"{CLAIM}/reviews", ReviewViewSet, basename="api-claim-review")
router.register(f"{CLAIM}/history", HistoryViewSet, basename="api-claim-history")
router.register(f"{CLAIM}/transitions", TransitionViewSet, basename="api-claim-transition")
router.register(f"{CLAIM}/sign-off", SignOffViewSet, basename="api-claim-sign-off")
router.register(f"{CLAIM}/coverage", CoverageViewSet, basename="api-claim-coverage")
router.register(f"{CLAIM}/corroboration", CorroborationViewSet, basename="api-claim-corroboration")
router.register(f"{CLAIM}/find-coverage", FindCoverageViewSet, basename="api-claim-find-coverage")
router.register(f"{CLAIM}/prior-checks", ClaimPriorCheckViewSet, basename="api-claim-prior-checks")
router.register("jobs", JobViewSet, basename="api-job")
router.register("prior-checks", PriorCheckViewSet, basename="api-prior-check")
router.register("sources", SourceViewSet, basename="api-source")
router.register("outlets", OutletViewSet, basename="api-outlet")
router.register("articles", ArticleViewSet, basename="api-article")
router.register("feeds", FeedViewSet, basename="api-feed")
router.register(r"outlets/(?P<outlet_id>[^/.]+)/track-record", OutletTrackRecordViewSet, basename="api-outlet-record")
router.register(r"sources/(?P<source_id>[^/.]+)/track-record", SourceTrackRecordViewSet, basename="api-source-record")
router.register("webhooks", WebhookEndpointViewSet, basename="api-webhook")
router.register("extractions", ExtractionViewSet, basename="api-extraction")
router.register(r"extractions/(?P<extraction_id>[0-9]+)/suggestions", SuggestionViewSet, basename="api-suggestion")

# Mounted at /api/v1/.
urlpatterns = [
    *router.urls,
    path("claims/<str:claim_id>/claimreview/", ClaimReviewView.as_view(), name="api-claim-claimreview"),
    path("claimreviews/", ClaimReviewFeedView.as_view(), name="api-claimreviews"),
]


class SchemaView(JSONErrors, SpectacularAPIView):
    pass


class SwaggerView(JSONErrors, SpectacularSwaggerSplitView):
    pass


class RedocView(JSONErrors, SpectacularRedocView):
    # drf-spectacular's own template links Google Fonts; ours loads nothing from elsewhere.
    template_name = "api/redoc.html"

    @staticmethod
    def _redoc_standalone() -> str:
        return reverse("api-redoc-bundle")


# Redoc's bundle draws a "Redocly" logo from its makers' CDN in the corner of every page.
# The docs must load nothing from another site, so the bundle is served here with that
# one address pointing at our own icon.
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_OFFSITE_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def _redoc_bundle() -> bytes:
    found = finders.find(REDOC_BUNDLE)
    if not found:
        raise ImproperlyConfigured(f"{REDOC_BUNDLE} is missing: is drf-spectacular-sidecar installed?")
    text = Path(str(found)).read_text(encoding="utf-8")
    return text.replace(REDOC_OFFSITE_LOGO, static("corroborate/favicon.svg")).encode()


@require_safe
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_redoc_bundle(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# Redoc builds its search index in a Web Worker started from a blob: URL; the site's CSP
# (script-src 'self', no worker-src) would block it, so this one page also allows blob:
# workers.
redoc = csp_update({"worker-src": ["'self'", "blob:"]})(RedocView.as_view(url_name="api-schema"))


# Mounted at /api/.
schema_urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", redoc, name="api-redoc"),
    path("redoc/bundle.js", redoc_bundle, name="api-redoc-bundle"),
    # Anything else under /api/ answers in the API's error format, not with an HTML page.
    re_path(r"^.*$", not_found),
]
