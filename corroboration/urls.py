from django.urls import path

from corroboration import views

app_name = "corroboration"

urlpatterns = [
    path("claims/<int:pk>/coverage/", views.coverage_panel, name="panel"),
    path("claims/<int:pk>/coverage/find/", views.find_coverage, name="find"),
    path("claims/<int:pk>/coverage/url/", views.add_url, name="add_url"),
    path("claims/<int:pk>/coverage/<int:coverage_id>/stance/", views.confirm_stance, name="stance"),
    path("claims/<int:pk>/coverage/credibility/", views.accept_credibility, name="credibility"),
    path("claims/<int:pk>/coverage/jobs/<int:job_id>/", views.job_progress, name="job"),
    path("claims/<int:pk>/prior-checks/<int:match_id>/", views.decide_prior_check, name="decide_prior_check"),
]
