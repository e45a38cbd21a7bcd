"""`migrate`, connected as the owner of the tables (DATABASE_OWNER_URL).

The application's own role may not change the schema, so every way of migrating (make
setup, docker-compose, the test database, an operator's shell) goes through this command
and speaks as the owner; afterwards `core.database.grant_app_privileges` gives the
application's role its rights on the tables the migrations created."""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate

from core.database import connected_as_owner


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Connects as the owner of the tables (DATABASE_OWNER_URL)."

    def handle(self, *args: Any, **options: Any) -> None:
        with connected_as_owner(options["database"]):
            super().handle(*args, **options)
