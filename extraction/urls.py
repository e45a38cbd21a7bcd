"""Reviewer pages for new claims from an article (namespace `extraction`)."""

from django.urls import path

from extraction import views

app_name = "extraction"

urlpatterns = [
    path("new/", views.extraction_new, name="new"),
    path("<int:pk>/", views.extraction_detail, name="detail"),
    path("<int:pk>/progress/", views.extraction_progress, name="progress"),
    path("<int:pk>/suggestions/<int:n>/", views.suggestion_review, name="suggestion"),
    path("<int:pk>/suggestions/<int:n>/dismiss/", views.suggestion_dismiss_view, name="dismiss"),
    path("<int:pk>/suggestions/<int:n>/appearance/", views.suggestion_appearance_view, name="appearance"),
]
