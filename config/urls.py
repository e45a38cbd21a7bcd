from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from config.views import healthz

admin.site.site_header = "Corroborate"
admin.site.site_title = "Corroborate admin"
admin.site.index_title = "Claims, sources and verdicts"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
