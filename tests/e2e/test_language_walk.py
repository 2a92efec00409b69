"""A walk of every main admin screen, in Chinese and in English.

In zh-hans, any text node made only of Latin letters fails, outside a short reviewed allow-list
(codes, units, brand names). In English (the user chose English in their account), any Han
character fails unless it is user data: a run of Han characters stored in the database (estate,
people and record names, titles, notes), a staff member's name or the configured site name (never
a whole region of the screen), or on the short reviewed ALLOWED_HAN list.

Lean by design (CI budget: both languages in under 3 minutes on 2 cores):
- the screen list is generated (every snippet listing, and its add form when a role may add,
  Wagtail's main screens, our /admin/<app>/ pages from the URL resolver, one edit and inspect view
  of a household file, a ticket and a loan),
  so a new model or admin page is walked without editing this file;
- each screen is walked once, by the first role in ROLES that can open it (the widest role first),
  plus every role's own workbench (/admin/), which differs per role; one browser context per
  language keeps the static files cached across roles;
- one navigation per screen: its response says whether the role may see it (a redirect to the
  workbench, a 403/404 or a file is skipped and left to the next role); the page is read once
  the HTML is parsed and the sidebar (rendered by the admin's JavaScript) is there.
Strings that only show on interaction (the unsaved-changes warning, "Go to the first error",
dialogs, dropdowns) are in the page already, hidden or inside <template> elements: the walk reads
hidden text and template contents too, so it needs no clicks. Strings the admin's JavaScript
renders from its catalogue (/admin/jsi18n/) are read once per language through the page's gettext.
"""

from __future__ import annotations

import re
import time

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from wagtail.snippets.models import get_snippet_models

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Walk order: the widest view first, so that later roles only open what no earlier role could.
ROLES = ["manager", "supervisor", "clerk", "frontdesk", "secretary", "steward", "maintenance"]

#: Reviewed: what may stay Latin on a Chinese screen.
ALLOWED_LATIN = {
    # estate and record codes of the demo data, units and file formats
    "HYY", "JHY", "m²", "m", "PDF", "CSV", "XLSX", "Excel", "ID", "QR", "SMS", "KPI", "API", "URL", "JSON",
    # brand and product names
    "Wagtail", "ECharts", "Apache", "WeChat",
    # a vehicle type Chinese uses as is
    "SUV",
    # keyboard keys, as printed on the keys (Wagtail's keyboard shortcuts dialog)
    "Ctrl", "Alt", "Shift", "Esc",
    # the language switch names the other language in itself
    "English",
    # login names of the demo staff (user data: shown where a screen names the account itself)
    *ROLES, "clerk_b", "admin",
}
#: Reviewed: what may stay Chinese on an English screen besides user data.
ALLOWED_HAN = {
    # the language switch (account settings) names each language in itself
    "简体中文",
}
#: A text node of Latin letters, digits and punctuation only, with a word of two letters or more.
LATIN_ONLY = re.compile(r"^(?=.*[A-Za-z]{2})[\x00-\x7f’‘“”…–—·²]+$")
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")

#: Chinese walk: values typed by people (records, logins, e-mail addresses) are not the product's words.
ZH_USER_DATA = "input, textarea, select, option, code, [data-user-data]"

#: Reviewed: elements in the page that are never shown, whatever the user does.
NEVER_SHOWN = [
    # the date picker's "Save Selected" button: jquery.datetimepicker toggles it with its
    # showApplyButton option, which Wagtail leaves off
    ".xdsoft_save_selected",
    # a side panel's counter while it has no count: Wagtail prints the empty count ("None") in a
    # hidden counter that its script fills with a number before showing it
    "[data-side-panel-toggle-counter][hidden]",
]

#: Every text node of the page, hidden ones and <template> contents included:
#: [text, is user data, where (the parent element's tag and classes)].
_TEXTS_JS = """([selector, neverShown]) => {
  const out = [];
  const read = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.textContent.replace(/\\s+/g, ' ').trim();
      const el = node.parentElement;
      if (!text || !el || el.closest('script, style, noscript, code, pre, svg') || el.closest(neverShown)) continue;
      out.push([text, !!el.closest(selector), [el.tagName.toLowerCase(), ...el.classList].join('.')]);
    }
    for (const t of root.querySelectorAll('template')) read(t.content);
  };
  read(document.body);
  return out;
}"""

#: The admin's JavaScript catalogue as the page serves it: [msgid, shown] for [context, msgid, plural].
_JS_CATALOGUE_JS = """(entries) => entries.map(([ctx, id, plural]) => [id,
  plural ? window.ngettext(id, plural, 2) : ctx ? window.pgettext(ctx, id) : window.gettext(id)])"""


def _wagtail_js_msgids() -> list[tuple[str, str, str]]:
    """Every msgid of Wagtail's admin JavaScript (sidebar, dialogs, editor, minimap...)."""
    from pathlib import Path

    import polib
    import wagtail

    po = Path(wagtail.__file__).parent / "admin/locale/en/LC_MESSAGES/djangojs.po"
    return [(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in polib.pofile(str(po)) if e.msgid]


def _custom_admin_pages() -> list[str]:
    """Our admin pages without parameters (/admin/<app>/…), GET screens only (checked at run time)."""
    from django.conf import settings

    project = set(settings.PROJECT_APPS) | {"estatedesk"}
    # The snippets' screens are generated from their viewsets (by permission), whatever their prefix.
    snippet_prefixes = tuple(f"admin/{model.snippet_viewset.url_prefix}/" for model in get_snippet_models())
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                module = getattr(p.callback, "__module__", "") or ""
                if (route.startswith("admin/") and "<" not in route and "(?P" not in route
                        and not route.startswith(snippet_prefixes)
                        and module.split(".")[0] in project
                        # files, and the choosers' modal endpoints (JSON, not screens)
                        and not any(w in route for w in ("export", "download", "csv", "xlsx", "label", "choose"))):
                    found.append("/" + route.replace("^", "").replace("$", "").replace("\\Z", ""))

    walk(get_resolver().url_patterns)
    return sorted(set(found))


def _record_screens(model, user) -> list[str]:
    """The edit and inspect views of the first record the user can reach, those its viewset has."""
    from estates.scoping import scope_queryset

    obj = scope_queryset(model.objects.order_by("pk"), user).first()
    if obj is None:
        return []
    found = []
    for view in ("edit", "inspect"):
        try:
            found.append(reverse(model.snippet_viewset.get_url_name(view), args=[obj.pk]))
        except NoReverseMatch:
            pass
    return found


def _screens() -> list[str]:
    screens = ["/admin/pages/", "/admin/documents/", "/admin/images/", "/admin/account/",
               "/admin/reports/site-history/", "/admin/reports/aging-pages/"]
    roles = list(get_user_model().objects.filter(username__in=ROLES))
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        screens.append(reverse(viewset.get_url_name("list")))
        if any(viewset.permission_policy.user_has_permission(user, "add") for user in roles):
            screens.append(reverse(viewset.get_url_name("add")))
    manager = get_user_model().objects.get(username=ROLES[0])
    for label in ("archives.Household", "servicedesk.Ticket", "lending.Loan"):
        screens += _record_screens(apps.get_model(label), manager)
    return list(dict.fromkeys(screens + _custom_admin_pages()))


def _stored_han_runs() -> set[str]:
    """Every run of Han characters of user data: stored in a text field, a staff member's name as
    the screens show it (family name first), and the site's name the operator configures."""
    from django.conf import settings
    from estates.staff_names import full_name

    runs = set(HAN_RUN.findall(settings.WAGTAIL_SITE_NAME))
    for user in get_user_model().objects.all():
        runs.update(HAN_RUN.findall(full_name(user)))
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.JSONField)
                  or type(f).__name__ == "StreamField"]
        if not fields or model._meta.proxy:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                if value:
                    runs.update(HAN_RUN.findall(str(value)))
    return runs


@pytest.fixture
def demo(db) -> float:
    """The demo data (seconds it took to load)."""
    started = time.monotonic()
    call_command("load_demo", houses=24)
    return time.monotonic() - started


def _log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/", wait_until="domcontentloaded")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/", wait_until="domcontentloaded")


def _open(page, base, path) -> tuple[str, str]:
    """Navigate once: (the screen shown, "") when the role sees an admin screen, else ("", why not).

    A redirect to another admin screen (the page explorer to the estate's root, a ticket's edit
    view to the ticket's own page) is that screen; a redirect to the workbench (/admin/, where
    Wagtail sends a role without permission) or to the login is not.
    """
    response = page.goto(base + path, wait_until="domcontentloaded")
    if response is None:
        return "", "no response"
    shown = response.url.removeprefix(base).split("?")[0]
    if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
        return "", f"{response.status} {response.headers.get('content-type')}"
    if not shown.startswith("/admin/") or shown in ("/admin/", "/admin/login/"):
        return "", f"redirected to {shown}"
    _wait_for_scripts(page)
    return shown, ""


def _wait_for_scripts(page) -> None:
    """The HTML is parsed; the sidebar, rendered by the admin's JavaScript (React) from the menu's
    data and its catalogue, is the last part to appear: once it is there, the page is read.
    (Printable pages, a receipt or a permit, have no sidebar.)"""
    page.wait_for_function("""() => !document.getElementById('wagtail-sidebar')
        || document.querySelector('#wagtail-sidebar .sidebar-main-menu .sidebar-menu-item')""")


def _findings(texts, *, english: bool, stored_han: set[str]) -> list[tuple[str, str]]:
    """(text, where) of every text node in the other language."""
    problems = []
    for text, is_user_data, where in texts:
        if english:
            for run in HAN_RUN.findall(text):
                # A title cut short ends with an ellipsis: its last run starts a stored one.
                cut_short = text.endswith("…") and text.rstrip("…").endswith(run)
                if not (run in stored_han or run in ALLOWED_HAN
                        or cut_short and any(s.startswith(run) for s in stored_han)):
                    problems.append((text, where))
                    break
        elif LATIN_ONLY.match(text) and not is_user_data and "@" not in text:
            # A token with a digit is a code (ticket number, key tag, plate, tax number): data;
            # a single letter is a key, a unit or a variable.
            words = [w for w in re.findall(r"[A-Za-z0-9_²]+(?:-[A-Za-z0-9_²]+)*", text)
                     if not re.search(r"\d", w) and len(w) > 1]
            if not all(w in ALLOWED_LATIN for w in words):
                problems.append((text, where))
    return problems


def _js_catalogue_findings(page, *, english: bool) -> list[tuple[str, str]]:
    """The admin's JavaScript catalogue as this page was served it, in the other language."""
    problems = []
    for msgid, shown in page.evaluate(_JS_CATALOGUE_JS, _wagtail_js_msgids()):
        words = re.sub(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", "", msgid)  # placeholders are not words
        if re.search("[A-Za-z]{2}", words) and bool(HAN_RUN.search(shown)) == english:
            problems.append((f"{msgid!r} shown as {shown!r}", "jsi18n"))
    return problems


@pytest.mark.parametrize("english", [False, True], ids=["zh-hans", "en"])
def test_every_main_admin_screen_reads_in_one_language(browser, live_server, demo, english):
    from wagtail.users.models import UserProfile

    started = time.monotonic()
    for user in get_user_model().objects.filter(username__in=ROLES):
        UserProfile.get_for_user(user)
    UserProfile.objects.filter(user__username__in=ROLES).update(preferred_language="en" if english else "")
    stored_han = _stored_han_runs() if english else set()
    base = live_server.url
    context = browser.new_context(locale="en-US" if english else "zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()

    #: (text, where) → [the first screen showing it, how many screens do]
    found: dict[tuple[str, str], list] = {}
    remaining, seen, why_not, nodes = _screens(), set(), {}, 0
    for username in ROLES:
        _log_in(page, base, username)
        _wait_for_scripts(page)
        for path in ["/admin/", *remaining]:
            shown, why_not[path] = ("/admin/", "") if path == "/admin/" else _open(page, base, path)
            if not shown or (shown in seen and shown != "/admin/"):
                continue
            seen.add(shown)
            texts = page.evaluate(_TEXTS_JS, [ZH_USER_DATA, ", ".join(NEVER_SHOWN)])
            nodes += len(texts)
            problems = set(_findings(texts, english=english, stored_han=stored_han))
            if path == "/admin/" and username == ROLES[0]:
                problems.update(_js_catalogue_findings(page, english=english))
            for problem in problems:
                found.setdefault(problem, [f"{username} {shown}", 0])[1] += 1
        remaining = [p for p in remaining if why_not[p]]
    context.close()

    print(f"\nlanguage walk ({'en' if english else 'zh-hans'}): {len(seen)} screens, {nodes} text nodes in "
          f"{time.monotonic() - started:.0f}s (demo data: {demo:.0f}s); no role could open: "
          f"{[(p, why_not[p]) for p in remaining]}")
    assert len(seen) > 80 and nodes > 10_000, (seen, nodes)
    assert not found, f"{len(found)} strings in the other language:\n" + "\n".join(
        f"{text!r} <{where}>  ({screen}, {count} screens)" for (text, where), (screen, count) in found.items())
