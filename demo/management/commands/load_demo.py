from typing import Any

from django.core.management.base import BaseCommand

from demo.story import load_demo


class Command(BaseCommand):
    help = "Load the demo story (AP, 2026-03-08) with its claims, sources and demo users. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        if result.created:
            made = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo story loaded: {made}."))
        else:
            self.stdout.write("Demo story already loaded; nothing changed.")
        self.stdout.write(
            "Demo logins (password from DEMO_PASSWORD): " + ", ".join(f"{u} ({r})" for u, r in result.users)
        )
