from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("claims/<int:pk>/reviews/new/", views.review_new, name="new"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="edit"),
]
