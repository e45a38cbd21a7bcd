from django.urls import path

from trackrecords import views

app_name = "trackrecords"

urlpatterns = [
    path("outlets/<int:pk>/", views.outlet_page, name="outlet"),
    path("outlets/<int:pk>/anonymous/<int:record_id>/", views.descriptor_page, name="descriptor"),
    path("sources/<int:pk>/", views.source_page, name="source"),
    path("sources/<int:pk>/accept-reliability/", views.accept_reliability, name="accept_reliability"),
]
