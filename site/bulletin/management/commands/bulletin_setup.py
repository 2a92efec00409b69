from django.core.management.base import BaseCommand

from bulletin.services import bulletin_setup


class Command(BaseCommand):
    help = "Create the bulletin index (site root), editors' permissions and a home for every estate. Idempotent."

    def handle(self, *args, **options):
        index = bulletin_setup()
        self.stdout.write(self.style.SUCCESS(f"Bulletin ready at {index.url or '/'}"))
