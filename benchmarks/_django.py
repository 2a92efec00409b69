"""Set up Django for a benchmark script: its own temporary var/ dir (SQLite file, queue, media),
or the database of DATABASE_URL. Import this first: `from _django import setup; setup()`."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(*, settings: str = "estatedesk.settings.dev") -> Path:
    var = Path(tempfile.mkdtemp(prefix="estatedesk-bench-"))
    os.environ.setdefault("ESTATEDESK_VAR_DIR", str(var))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    sys.path.insert(0, str(ROOT / "site"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return var
