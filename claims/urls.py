from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_new, name="new"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
]
