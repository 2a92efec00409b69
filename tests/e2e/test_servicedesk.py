"""The desk's day in a browser: the front desk takes a repair call and dispatches it,
maintenance finishes it, a clerk records the return visit and closes it, the KPIs move,
and the owner sees the ticket closed on their phone."""

import re

import pytest
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory


@pytest.fixture
def desk(transactional_db, make_user):
    estate = EstateFactory(name="和悦苑", code="HYY")
    HouseFactory(building=BuildingFactory(estate=estate, name="3栋"), unit="2", room="1201", floor=12)
    people = {
        "frontdesk": make_user(roles.FRONT_DESK, [estate], username="e2e_front"),
        "maintenance": make_user(roles.MAINTENANCE, [estate], username="e2e_maint", first_name="师傅", last_name="赵"),
        "clerk": make_user(roles.CLERK, [estate], username="e2e_clerk"),
        "manager": make_user(roles.ESTATE_MANAGER, [estate], username="e2e_manager"),
    }
    return estate, people


def switch_user(page, admin_login, username):
    page.context.clear_cookies()
    admin_login(page, username)


def kpi_cell(page, live_server, code):
    page.goto(f"{live_server.url}/admin/servicedesk/kpi/")
    cell = page.locator(f"#kpi-table td[data-kpi='{code}']")
    return cell.first.inner_text() if cell.count() else ""


def test_repair_call_to_closed_ticket_moves_the_kpis(page, phone_page, live_server, admin_login, axe_check, desk):
    estate, people = desk
    base = live_server.url

    # The KPIs before: nothing due or kept this month.
    admin_login(page, "e2e_manager")
    assert kpi_cell(page, live_server, "repair_timeliness") == ""

    # The front desk takes the call.
    switch_user(page, admin_login, "e2e_front")
    page.goto(f"{base}/admin/servicedesk/intake/")
    page.select_option("select[name=kind]", "repair")
    page.fill("input[name=building]", "3栋")
    page.fill("input[name=unit]", "2")
    page.fill("input[name=room]", "1201")
    page.fill("input[name=contact_name]", "周女士")
    page.fill("input[name=contact_mobile]", "139 1234 5678")
    page.fill("textarea[name=description]", "厨房水槽下水管漏水")
    page.click("#intake-form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/servicedesk/tickets/\d+/$"))
    number = page.locator("#ticket-number").inner_text().strip()
    assert re.fullmatch(r"R-HYY-\d{8}-0001", number)
    ticket_url = page.url
    # ... and dispatches it to the maintenance person of the estate.
    page.select_option("select[name='dispatch-assignee']", str(people["maintenance"].pk))
    page.click("#action-dispatch button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#ticket-status").inner_text().strip() == "已派工"

    # Maintenance finds it on the board and finishes it.
    switch_user(page, admin_login, "e2e_maint")
    page.goto(f"{base}/admin/servicedesk/board/")
    page.locator("#board-mine").get_by_role("link", name=number).click()
    page.wait_for_url(ticket_url)
    page.click("#action-start button[type=submit]")
    page.wait_for_selector("#action-done")
    page.fill("textarea[name='done-result']", "更换下水管接头，试水不漏")
    page.click("#action-done button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#ticket-status").inner_text().strip() == "已完成"

    # A clerk calls the owner back, records the return visit and closes the ticket.
    switch_user(page, admin_login, "e2e_clerk")
    page.goto(f"{base}/admin/servicedesk/board/")
    page.locator("#board-waiting_visit").get_by_role("link", name=number).click()
    page.wait_for_url(ticket_url)
    page.check("input[name='return_visit-satisfaction'][value='5']")
    page.check("input[name='return_visit-owner_confirmed']")
    page.click("#action-return_visit button[type=submit]")
    page.wait_for_selector("#action-close")
    page.click("#action-close button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#ticket-status").inner_text().strip() == "已关闭"
    assert page.locator("#ticket-clocks").get_by_text("按时达成").count() == 3  # respond, finish, return visit

    # The KPIs moved.
    switch_user(page, admin_login, "e2e_manager")
    assert kpi_cell(page, live_server, "repair_timeliness") == "100.0% (1/1)"
    assert kpi_cell(page, live_server, "return_visit_rate") == "100.0% (1/1)"
    assert kpi_cell(page, live_server, "average_satisfaction").startswith("5.00")

    # The owner looks it up on their phone.
    phone_page.goto(f"{base}/service/status/")
    phone_page.fill("input[name=number]", number)
    phone_page.fill("input[name=contact_mobile]", "13912345678")
    phone_page.click("main form button[type=submit]")
    phone_page.wait_for_selector("#ticket-status")
    assert phone_page.locator("#ticket-status").inner_text().strip() == "已关闭"
    axe_check(phone_page)
    phone_page.goto(f"{base}/service/report/")
    phone_page.wait_for_selector("input[name=contact_mobile]")
    axe_check(phone_page)
