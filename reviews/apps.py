from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and workflow"

    def ready(self) -> None:
        from reviews.roles import sync_roles

        # After every app has created its permissions (post_migrate runs per app; the
        # last app in INSTALLED_APPS that we own is this one).
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="reviews.sync_roles")
