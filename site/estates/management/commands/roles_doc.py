from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from estates.roles_doc import render


class Command(BaseCommand):
    help = "Write docs/roles.md from the role matrix."

    def handle(self, *args, **options):
        path = Path(settings.ROOT_DIR) / "docs" / "roles.md"
        path.write_text(render(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
