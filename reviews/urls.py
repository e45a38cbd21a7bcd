from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("claims/<int:pk>/reviews/new/", views.review_new, name="new"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="edit"),
    path("reviews/<int:pk>/discard/", views.review_discard_view, name="discard"),
    path("claims/<int:pk>/coverage/<int:coverage_id>/cite/", views.cite, name="cite"),
    path("claims/<int:pk>/preview/", views.preview, name="preview"),
]
