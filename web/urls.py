"""The reviewer pages about claims, under /claims/ (namespace `claims`). Review forms
(reviews/urls.py) and the coverage section's actions (corroboration/urls.py) have their
own."""

from django.urls import path

from claims import views as claim_forms
from web import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", claim_forms.claim_new, name="new"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", claim_forms.claim_edit, name="edit"),
    path("<int:pk>/transitions/", views.transition, name="transition"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/assign/", views.assign, name="assign"),
]
