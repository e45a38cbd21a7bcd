"""python manage.py reset_second_factor USERNAME

For the server's operator when nobody who could reset it in the admin can sign in (the
only superuser lost their phone and their recovery codes): removes the account's
authenticator app and recovery codes, as the admin's reset does; the account sets up a
new app at its next sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.second_factor import second_factor_reset


class Command(BaseCommand):
    help = "Remove a user's second factor (app and recovery codes); they set up a new app at their next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user “{username}”.")
        removed = second_factor_reset(actor=None, user=user)
        self.stdout.write(f"Second factor of {username} reset ({removed} device(s) removed).")
