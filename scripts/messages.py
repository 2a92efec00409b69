"""Extract and compile the zh-hans translations of every project app (needs GNU gettext).

Each app keeps its own catalogue in site/<app>/locale/zh_Hans/LC_MESSAGES/django.po, so that
apps are translated independently; the compiled .mo files are committed.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
sys.path.insert(0, str(SITE))


def catalogue_dirs() -> list[Path]:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "estatedesk.settings.test")
    import django
    from django.conf import settings

    django.setup()
    return [SITE / app for app in [*settings.PROJECT_APPS, "estatedesk"]]


def main(only: list[str]) -> None:
    for app_dir in catalogue_dirs():
        if only and app_dir.name not in only:
            continue
        (app_dir / "locale").mkdir(exist_ok=True)
        manage = [sys.executable, str(SITE / "manage.py")]
        env_kwargs = {"cwd": app_dir, "check": True}
        subprocess.run([*manage, "makemessages", "-l", "zh_Hans", "--no-obsolete", "-e", "html,txt,py", "--no-location"], **env_kwargs)
        subprocess.run([*manage, "compilemessages", "-l", "zh_Hans"], **env_kwargs)


if __name__ == "__main__":
    main(sys.argv[1:])
