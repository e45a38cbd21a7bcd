"""The site's URLs with the API benchmark's minimal views beside them (bench/api.py)."""

from django.urls import include, path

from bench.api import minimal_claim, minimal_claims, minimal_feed

urlpatterns = [
    path("bench/claims/", minimal_claims),
    path("bench/claims/<int:pk>/", minimal_claim),
    path("bench/claimreviews/", minimal_feed),
    path("", include("config.urls")),
]
