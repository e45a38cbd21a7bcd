"""python manage.py create_token USERNAME --scope read|submit|write [--expires-days N]

Creates an API token for the user and prints its key as the last line of output: the
only time the key is shown (the database keeps only its digest)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.models import Scope
from core.tokens import token_create


class Command(BaseCommand):
    help = "Create an API token for a user; the key is printed once, as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--scope", required=True, choices=Scope.values, help="read, submit or write")
        parser.add_argument("--expires-days", type=int, default=None, help="Days until it expires (default: never)")
        parser.add_argument("--name", default="", help="What uses it (default: “<scope> token”)")

    def handle(
        self, *args: Any, username: str, scope: str, expires_days: int | None, name: str, **options: Any
    ) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user “{username}”.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be 1 or more.")
        expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        try:
            token, key = token_create(
                actor=None, user=user, name=name or f"{scope} token", scope=scope, expires_at=expires_at
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        expiry = f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "does not expire"
        self.stdout.write(f"Token “{token.name}” for {user.get_username()}: {scope} scope, {expiry}.")
        self.stdout.write("Send it as: Authorization: Token <key>. It is shown only now:")
        self.stdout.write(key)
