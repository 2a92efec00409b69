"""The Content-Security-Policy does not break Wagtail's admin or the public site: a browser
opens the page editor (Draftail, date pickers, inline panels), a snippet form, the public
forms, and reports no CSP violation."""

import pytest
from bulletin.factories import EventPageFactory, home_for
from bulletin.services import bulletin_setup, notice_index_of
from estates import roles
from estates.factories import EstateFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def test_admin_and_public_pages_run_under_the_policy(page, admin_login, live_server, make_user):
    estate = EstateFactory(name="和悦苑", code="HYY")
    bulletin_setup(estates=[estate])
    event = EventPageFactory(estate=estate)
    make_user(roles.ESTATE_MANAGER, [estate], username="jingli")
    violations = _watch(page)

    admin_login(page, "jingli")
    page.goto(f"{live_server.url}/admin/pages/add/bulletin/noticepage/{notice_index_of(home_for(estate)).pk}/")
    editor = page.locator("[data-contentpath='body'] [contenteditable='true']").first
    editor.click()
    page.keyboard.type("停水通知")
    assert "停水通知" in editor.inner_text()
    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    page.locator("input[name='starts_at']").click()  # Wagtail's inline-initialised date picker
    page.goto(f"{live_server.url}/admin/snippets/archives/household/add/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/service/report/")
    page.goto(f"{live_server.url}{home_for(estate).url}")
    page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)
