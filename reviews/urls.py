from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("claims/<int:pk>/reviews/new/", views.review_new, name="new"),
    path("claims/<int:pk>/transitions/", views.transition, name="transition"),
    path("claims/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("claims/<int:pk>/assign/", views.assign, name="assign"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="edit"),
]
