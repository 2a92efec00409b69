"""Every user-visible string of the project has a zh-hans translation, compiled and committed."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

SITE = Path(settings.SITE_DIR)
CATALOGUE_DIRS = [SITE / app for app in [*settings.PROJECT_APPS, "estatedesk"]]


def _po_path(app_dir: Path) -> Path:
    return app_dir / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _has_strings(app_dir: Path) -> bool:
    """An app with Python or template files that call gettext must have a catalogue."""
    for path in app_dir.rglob("*"):
        if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts and "locale" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="ignore")
            if "gettext" in text or "{% translate" in text or "{% trans " in text or "{% blocktrans" in text:
                return True
    return False


@pytest.mark.parametrize("app_dir", CATALOGUE_DIRS, ids=lambda p: p.name)
def test_catalogue_is_complete_and_compiled(app_dir):
    po_path = _po_path(app_dir)
    if not po_path.exists():
        assert not _has_strings(app_dir), f"{app_dir.name} has translatable strings but no zh_Hans catalogue"
        return
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{app_dir.name}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{app_dir.name}: fuzzy {fuzzy[:10]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{app_dir.name}: compile with `make messages`"
    mo = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(mo_path))}
    for entry in po.translated_entries():
        assert mo.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))), (
            f"{app_dir.name}: the .mo is older than the .po for {entry.msgid!r}: run `make messages`"
        )


def _xgettext_available() -> bool:
    return shutil.which("xgettext") is not None


@pytest.mark.skipif(
    not _xgettext_available() and not os.environ.get("CI"),
    reason="GNU gettext is not installed (CI installs it and runs this check)",
)
@pytest.mark.parametrize("app_dir", CATALOGUE_DIRS, ids=lambda p: p.name)
def test_every_msgid_in_the_code_is_in_the_catalogue(app_dir, tmp_path):
    """Extract the strings afresh from a copy of the app and compare with the committed catalogue."""
    copy = tmp_path / app_dir.name
    shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "locale").mkdir(exist_ok=True)
    result = subprocess.run(
        [sys.executable, str(SITE / "manage.py"), "makemessages", "-l", "zh_Hans", "-e", "html,txt,py", "--no-location"],
        cwd=copy, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "estatedesk.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    fresh_path = _po_path(copy)
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(fresh_path))} if fresh_path.exists() else set()
    committed_path = _po_path(app_dir)
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(committed_path))} if committed_path.exists() else set()
    missing = sorted(m for _, m in fresh - committed)
    assert not missing, f"{app_dir.name}: not in the catalogue (run `make messages` and translate): {missing[:10]}"


def test_no_msgid_is_translated_two_ways_across_the_apps():
    """Django serves a msgid from the first app's catalogue that has it, so one msgid with two
    translations shows the wrong word in the other app ("欠费" on the desk board): a word with two
    meanings needs a context (pgettext), a word with one meaning needs one translation."""
    translations: dict[tuple, dict[str, list[str]]] = {}
    for app_dir in CATALOGUE_DIRS:
        path = _po_path(app_dir)
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                translations.setdefault((entry.msgctxt, entry.msgid), {}).setdefault(entry.msgstr, []).append(app_dir.name)
    clashes = {key: found for key, found in translations.items() if len(found) > 1}
    assert not clashes, "\n".join(f"{key}: {found}" for key, found in sorted(clashes.items(), key=str))
