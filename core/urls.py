"""The second factor's pages, under /accounts/second-factor/ (config/urls.py)."""

from django.urls import path

from core import views

app_name = "second_factor"

urlpatterns = [
    path("", views.second_factor_verify_page, name="verify"),
    path("enrol/", views.second_factor_enrol_page, name="enrol"),
    path("recovery-codes/", views.recovery_codes_page, name="recovery_codes"),
]
