"""Reproducible demo data from seeded factories. A second run adds nothing."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from estates import demo
from estates.models import Estate


class Command(BaseCommand):
    help = "Load demo estates, houses and staff logins (and each app's demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--houses", type=int, default=240, help="Number of houses in all (default 240).")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, houses, seed, **options):
        if Estate.objects.filter(code="HYY").exists():
            self.stdout.write("Demo data is already loaded; nothing added.")
        else:
            with transaction.atomic():
                estates = demo.load(houses=houses, seed=seed)
                # Each later app adds its own demo data in <app>/demo.py: load(*, estates, seed).
                for app in settings.PROJECT_APPS[1:]:
                    try:
                        module = importlib.import_module(f"{app}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{app}.demo":
                            raise
                        continue
                    module.load(estates=estates, seed=seed)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {houses} houses in {len(estates)} estates."))
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        self.stdout.write(f"  {'admin':12} superuser")
        for username, role, _estates in demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:12} {role}")
