"""Reproducible demo data from seeded factories. A second run adds nothing."""

import importlib
import logging

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
            # The demo sends hundreds of SMS to the log backend and creates pages: one summary line
            # instead of a log line each (the messages are in the admin's message log).
            root = logging.getLogger()
            level = root.level
            root.setLevel(max(level, logging.WARNING))
            try:
                estates = self._load(houses=houses, seed=seed)
            finally:
                root.setLevel(level)
            from notifications.models import Message

            self.stdout.write(self.style.SUCCESS(
                f"Demo data loaded: {houses} houses in {len(estates)} estates, "
                f"{Message.objects.count()} demo messages in the message log."
            ))
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        self.stdout.write(f"  {'admin':12} superuser")
        for username, role, _estate_indexes in demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:12} {role}")
        if "owners" in settings.PROJECT_APPS:
            from owners.demo import demo_owner_line  # an upper app: imported only when installed

            line = demo_owner_line()
            if line:
                self.stdout.write("Demo owner (SMS code sign-in, no password):")
                self.stdout.write(line)

    def _load(self, *, houses, seed):
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
        return estates
