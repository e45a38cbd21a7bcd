from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from claims.models import Claim
from demo.story import DEMO_USERS, INTELLIGENCE_CLAIM_START


class Command(BaseCommand):
    help = "Print where Corroborate runs and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        base = url.rstrip("/")
        rule = "─" * 64
        self.stdout.write(rule)
        self.stdout.write(self.style.SUCCESS(f"Corroborate is starting at {base}/"))
        self.stdout.write(f"  Editors' admin:   {base}/admin/")
        self.stdout.write("  Demo logins (password: " + settings.DEMO_PASSWORD + "):")
        for username, full_name, role, _staff in DEMO_USERS:
            self.stdout.write(f"    {username:<10} {role:<9} {full_name}")
        if settings.DEMO_CORPUS_URL:
            self.stdout.write(f"  Demo coverage corpus: {settings.DEMO_CORPUS_URL}")
            claim = Claim.objects.filter(statement__startswith=INTELLIGENCE_CLAIM_START).first()
            if claim is not None:
                self.stdout.write(f"  Try “Find coverage now” on {base}/claims/{claim.pk}/")
            self.stdout.write(f"  New claims from the demo story: {base}/extractions/new/ (“Read the demo story”)")
        self.stdout.write("  Ctrl-C stops the web server, the worker and beat.")
        self.stdout.write(rule)
