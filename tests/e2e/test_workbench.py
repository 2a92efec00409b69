"""Each role's workbench in a browser at 1366×900 and 390×844: screenshots kept as CI artifacts
(tests/e2e/artifacts/), no horizontal overflow, no word wrapped one character per line, and no
request to any host other than the app's own."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from archives.factories import KeyFactory
from django.utils import timezone
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory
from fees.factories import ArrearsCaseFactory
from lending.factories import LoanFactory
from lending.models import Loan
from servicedesk import services

ARTIFACTS = Path(__file__).parent / "artifacts"
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
ROLES = {
    "clerk": roles.CLERK, "supervisor": roles.SUPERVISOR, "frontdesk": roles.FRONT_DESK,
    "steward": roles.STEWARD, "secretary": roles.SECRETARY, "manager": roles.ESTATE_MANAGER,
}

#: Text nodes (of two characters or more) whose every character sits on a line of its own.
ONE_CHAR_PER_LINE = """() => {
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const chars = [...node.textContent.replace(/\\s+/g, "")].length;
    if (chars < 2) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (lines.size >= 2 && lines.size >= chars) bad.push(node.textContent.trim().slice(0, 40));
  }
  return bad;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def office(transactional_db, make_user):
    estate = EstateFactory(name="和悦苑", code="HYY")
    house = HouseFactory(building=BuildingFactory(estate=estate, name="3栋"), unit="2", room="1201", floor=12)
    people = {
        name: make_user(role, [estate], username=f"wb_{name}", first_name="静", last_name="王")
        for name, role in ROLES.items()
    }
    clerk = people["clerk"]
    for ago in (timedelta(hours=30), timedelta(hours=23), timedelta(0)):
        services.ticket_intake(
            estate=estate, kind="repair", house=house, contact_name="周女士", contact_mobile="13912345678",
            description="厨房水槽下水管漏水", received_at=timezone.now() - ago, by=clerk,
        )
    key = KeyFactory(opens_house=house)
    LoanFactory(key=key)
    LoanFactory(key=KeyFactory(opens_house=house), status=Loan.Status.APPROVED)
    ArrearsCaseFactory(house=house, next_step="call")
    return people


def _check_page(page, label):
    assert page.evaluate(OVERFLOW) <= 1, f"{label}: the page scrolls sideways"
    assert page.evaluate(ONE_CHAR_PER_LINE) == [], f"{label}: text wrapped one character per line"


@pytest.mark.parametrize("role", list(ROLES))
def test_workbench_of_each_role(browser, live_server, office, role):
    ARTIFACTS.mkdir(exist_ok=True)
    own_host = urlparse(live_server.url).hostname
    context = browser.new_context(locale="zh-CN", viewport=SIZES["desktop"])
    context.set_default_timeout(15_000)
    foreign = []
    context.on("request", lambda request: (
        urlparse(request.url).scheme in ("http", "https", "ws", "wss")
        and urlparse(request.url).hostname != own_host
        and foreign.append(request.url)
    ))
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", f"wb_{role}")
        page.fill("input[name=password]", "demo12345")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        assert page.locator("[data-panel=workbench] [data-figure]").count() >= 3
        assert "localhost" not in page.title()
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            page.reload()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"workbench-{role}-{size}.png"), full_page=True)
            _check_page(page, f"{role} workbench {size}")
        # The first figure's listing reads as well on the phone and on the desktop.
        page.locator("[data-panel=workbench] [data-figure]").first.click()
        page.wait_for_load_state("networkidle")
        _check_page(page, f"{role} first listing phone")
        page.set_viewport_size(SIZES["desktop"])
        _check_page(page, f"{role} first listing desktop")
        if role == "clerk":
            page.goto(f"{live_server.url}/admin/servicedesk/board/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / "desk-board-desktop.png"), full_page=True)
            _check_page(page, "desk board 1366")
        assert foreign == [], f"requests to other hosts: {foreign}"
    finally:
        context.close()
