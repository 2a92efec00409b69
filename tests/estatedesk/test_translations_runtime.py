"""The zh-hans words as they resolve at runtime: ours, Wagtail's and Django's together.

Django merges every catalogue into one table per language: Django's own, then each installed app's
in reverse INSTALLED_APPS order (so the first app wins), then LOCALE_PATHS (the first path wins over
everything). A msgid translated two ways anywhere therefore shows one of the two words on every
screen that uses it, whichever app the screen belongs to. The policy (docs/architecture.md,
"Translations"): a project word with its own meaning carries a context; a msgid that two catalogues
translate differently is decided once in the overrides catalogue; Wagtail strings its zh_Hans
catalogue lacks are supplied there too.
"""

from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

SITE = Path(settings.SITE_DIR)
OVERRIDES = SITE / "estatedesk" / "locale_overrides"
PROJECT_DIRS = [SITE / app for app in [*settings.PROJECT_APPS, "estatedesk"]]
DOMAINS = ("django", "djangojs")

# Wagtail msgids that read the same in Chinese (names, symbols, format-only strings).
SAME_IN_CHINESE = {"Wagtail", "%(value)s", "%(label)s", "ID", "URL", "RSS", "oEmbed", "Twitter", "Slug",
                   "HTML", "%(count)s", "PNG", "JPEG", "GIF", "WebP", "AVIF", "SVG", "HEIC", "Email"}


def _catalogue_dirs() -> list[Path]:
    """Every locale folder Django reads, in no particular order, the overrides excluded."""
    dirs = [Path(django.__file__).parent / "conf" / "locale"]
    dirs += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    dirs += [Path(p) for p in settings.LOCALE_PATHS]
    return [d for d in dict.fromkeys(dirs) if d != OVERRIDES]


def _entries(locale_dir: Path, domain: str, language: str = "zh_Hans"):
    path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return []
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def _value(entry):
    return entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))


def _label(locale_dir: Path) -> str:
    return str(locale_dir).split("site-packages/")[-1].replace(str(SITE) + "/", "")


def _overrides(domain: str) -> dict:
    return {(e.msgctxt, e.msgid): _value(e) for e in _entries(OVERRIDES, domain)}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_msgid_translated_two_ways_is_decided_in_the_overrides(domain):
    found: dict[tuple, dict] = {}
    for locale_dir in _catalogue_dirs():
        for entry in _entries(locale_dir, domain):
            if entry.translated() and not entry.fuzzy:
                found.setdefault((entry.msgctxt, entry.msgid), {}).setdefault(_value(entry), []).append(_label(locale_dir))
    decided = _overrides(domain)
    undecided = {key: where for key, where in found.items() if len(where) > 1 and key not in decided}
    assert not undecided, "decide these in estatedesk/locale_overrides or give ours a context:\n" + "\n".join(
        f"{key}: {where}" for key, where in sorted(undecided.items(), key=str))


def _runtime(entry) -> str:
    if entry.msgid_plural:
        if entry.msgctxt:
            return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
        return translation.ngettext(entry.msgid, entry.msgid_plural, 2)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


@pytest.mark.parametrize("app_dir", PROJECT_DIRS, ids=lambda p: p.name)
def test_our_words_are_the_words_shown(app_dir):
    """Each translation in our catalogues is the one the runtime gives (an override did not change it
    behind our back, and no other catalogue shadows ours)."""
    wrong = []
    with translation.override("zh-hans"):
        for entry in _entries(app_dir, "django"):
            expected = entry.msgstr or entry.msgstr_plural.get(0)
            if entry.translated() and _runtime(entry) != expected:
                wrong.append((entry.msgctxt, entry.msgid, expected, _runtime(entry)))
    assert not wrong, f"{app_dir.name}: (context, msgid, ours, shown): {wrong[:10]}"


def _wagtail_source_msgids(domain: str) -> list:
    """Wagtail ships an English catalogue extracted from its source: every msgid it uses."""
    entries = []
    for config in apps.get_app_configs():
        if config.name == "wagtail" or config.name.startswith("wagtail."):
            entries += _entries(Path(config.path) / "locale", domain, language="en")
    return entries


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_wagtail_string_has_a_chinese_translation(domain):
    """Wagtail's zh_Hans catalogue lags behind its source ("Go to the first error", "New: %(model_name)s");
    the overrides catalogue supplies what it lacks, for the Python/template domain and the admin's JS."""
    runtime = translation.trans_real.translation("zh-hans")
    if domain == "djangojs":
        from django.views.i18n import JavaScriptCatalog

        view = JavaScriptCatalog(domain="djangojs", packages=["wagtail.admin"])
        runtime = translation.trans_real.DjangoTranslation("zh-hans", domain="djangojs",
                                                           localedirs=view.get_paths(["wagtail.admin"]))
    catalog = runtime._catalog
    missing = []
    for entry in _wagtail_source_msgids(domain):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            key = (key, 0)
        if entry.msgid in SAME_IN_CHINESE:
            continue
        if catalog.get(key) in (None, ""):
            missing.append((entry.msgctxt, entry.msgid))
    assert not missing, f"{len(missing)} Wagtail strings without Chinese, e.g. {missing[:15]}"


def test_the_screens_named_in_issue_12_read_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.pgettext("pagination", "Pages") == "分页"
        assert translation.gettext("Go to the first error") != "Go to the first error"
        assert translation.gettext("New: %(model_name)s") % {"model_name": "业主档案"} == "新建：业主档案"
        assert translation.gettext("Use server language: %(language_name)s").startswith("使用服务器语言")
        assert translation.pgettext("person", "Name") == "姓名"
        assert translation.gettext("Name") != "姓名"  # Wagtail's name of a collection, a group…
