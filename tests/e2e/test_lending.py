"""Browser journey of the borrowing register: a clerk requests a key, a supervisor approves it,
the front desk hands it out and takes it back, and the board shows each state."""

import pytest
from archives.factories import KeyFactory
from archives.models import Key
from estates import roles
from lending.models import Loan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def switch_user(page, admin_login, username):
    page.context.clear_cookies()
    admin_login(page, username)


def board_section(page, live_server, section):
    page.goto(f"{live_server.url}/admin/lending/board/")
    return page.locator(f"#board-{section}")


def test_key_request_approve_hand_out_and_return(
    page, live_server, admin_login, axe_check, make_user, house_a, estate_a
):
    make_user(roles.CLERK, [estate_a], username="e2e_clerk")
    make_user(roles.SUPERVISOR, [estate_a], username="e2e_supervisor")
    make_user(roles.FRONT_DESK, [estate_a], username="e2e_desk")
    key = KeyFactory(opens_house=house_a, tag="K-E2E-1")

    # The clerk requests the key for a contractor from the key's page.
    admin_login(page, "e2e_clerk")
    page.goto(f"{live_server.url}/admin/lending/key/{key.pk}/")
    page.click(f"a[href='/admin/lending/key/{key.pk}/request/']")
    page.fill("input[name=borrower_name]", "王师傅")
    page.fill("input[name=borrower_mobile]", "138 0013 8000")
    page.fill("input[name=borrower_organisation]", "安居装修")
    page.fill("input[name=purpose]", "入户检修水管")
    page.click("form.lending-request button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/lending/loan/**")
    loan = Loan.objects.get()
    requested = board_section(page, live_server, "requested")
    assert requested.locator(f"a[href='/admin/lending/loan/{loan.pk}/']").count() == 1
    assert "王师傅" in requested.inner_text()

    # The supervisor approves it.
    switch_user(page, admin_login, "e2e_supervisor")
    page.goto(f"{live_server.url}/admin/lending/loan/{loan.pk}/")
    page.click("form[data-action=approve] button[type=submit]")
    page.wait_for_selector("[data-loan-status=approved]")
    approved = board_section(page, live_server, "approved")
    assert approved.locator(f"a[href='/admin/lending/loan/{loan.pk}/']").count() == 1
    axe_check(page)

    # The front desk hands it out...
    switch_user(page, admin_login, "e2e_desk")
    page.goto(f"{live_server.url}/admin/lending/loan/{loan.pk}/")
    page.click("form[data-action=hand_out] button[type=submit]")
    page.wait_for_selector("[data-loan-status=out]")
    out = board_section(page, live_server, "out")
    assert out.locator(f"a[href='/admin/lending/loan/{loan.pk}/']").count() == 1
    key.refresh_from_db()
    assert key.status == Key.Status.LENT_OUT

    # ...and takes it back from the key's page.
    page.goto(f"{live_server.url}/admin/lending/key/{key.pk}/")
    assert "王师傅" in page.locator("[data-current-holder]").inner_text()
    page.fill("input[name='return-condition']", "完好")
    page.click(f"form[action='/admin/lending/loan/{loan.pk}/return/'] button[type=submit]")
    page.wait_for_selector("[data-loan-status=returned]")
    out = board_section(page, live_server, "out")
    assert out.locator(f"a[href='/admin/lending/loan/{loan.pk}/']").count() == 0
    loan.refresh_from_db()
    key.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and key.status == Key.Status.IN_CABINET
