"""Browser journey of the household file: a clerk files a household with its people and car,
changes the owner's mobile and finds the change in the history; a secretary sees the file masked;
a clerk of another estate cannot reach it."""

import pytest
from archives.models import Household, Person
from django.urls import reverse
from estates import roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def switch_user(page, admin_login, username):
    page.context.clear_cookies()
    admin_login(page, username)


def add_inline(page, prefix, index, values):
    page.click(f"#id_{prefix}-ADD")
    page.wait_for_selector(f"[name='{prefix}-{index}-{next(iter(values))}']")
    for name, value in values.items():
        field = page.locator(f"[name='{prefix}-{index}-{name}']")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_clerk_files_a_household_and_its_history_secretary_sees_it_masked(
    page, live_server, admin_login, make_user, estate_a, estate_b, house_a
):
    make_user(roles.CLERK, [estate_a], username="e2e_clerk")
    make_user(roles.SECRETARY, [estate_a], username="e2e_secretary")
    make_user(roles.CLERK, [estate_b], username="e2e_clerk_b")

    # The clerk opens a new household file: the house, the owner, his wife and their car.
    admin_login(page, "e2e_clerk")
    page.goto(live_server.url + reverse("wagtailsnippets_archives_household:add"))
    page.locator("#id_house-chooser [data-chooser-action-choose]:visible").click()
    page.locator("[data-chooser-modal-choice]", has_text=house_a.label).click()
    page.wait_for_function(f"document.querySelector('input[name=house]').value == '{house_a.pk}'")
    add_inline(page, "people", 0, {"name": "张伟", "role": "owner", "mobile": "138 0013 8000",
                                   "id_number": "11010519491231002X"})
    add_inline(page, "people", 1, {"name": "李娜", "role": "family", "relationship": "配偶"})
    add_inline(page, "vehicles", 0, {"plate": "粤B12345", "colour": "白色", "parking_space": "B1-018"})
    page.click("button.action-save")
    page.wait_for_url(live_server.url + reverse("wagtailsnippets_archives_household:list") + "**")
    household = Household.objects.get(house=house_a)
    assert household.people.count() == 2 and household.vehicles.get().plate == "粤B12345"
    assert household.people.get(role="owner").mobile == "13800138000"

    # She changes the owner's mobile on the same screen.
    page.goto(live_server.url + reverse("wagtailsnippets_archives_household:edit", args=[household.pk]))
    owner = household.people.get(role=Person.Role.OWNER)
    owner_index = list(household.people.order_by("pk")).index(owner)
    page.fill(f"[name='people-{owner_index}-mobile']", "139 1111 2222")
    page.click("button.action-save")
    page.wait_for_url(live_server.url + reverse("wagtailsnippets_archives_household:list") + "**")
    owner.refresh_from_db()
    assert owner.mobile == "13911112222"

    # The history shows who changed the mobile, from what to what.
    page.goto(live_server.url + reverse("wagtailsnippets_archives_household:edit", args=[household.pk]))
    page.click(f"a[href='{reverse('archives_history', args=['household', household.pk])}']")
    page.wait_for_selector("[data-archives-history]")
    entry = page.locator(f"[data-history-entry='person-{owner.pk}']").first
    text = entry.inner_text()
    assert "13800138000" in text and "13911112222" in text and "张伟" in text

    # The secretary opens the same file: names yes, numbers masked.
    switch_user(page, admin_login, "e2e_secretary")
    page.goto(live_server.url + reverse("wagtailsnippets_archives_household:inspect", args=[household.pk]))
    people = page.locator("[data-household-people]")
    people.wait_for()
    text = people.inner_text()
    assert "张伟" in text and "139****2222" in text
    assert "13911112222" not in page.content() and "11010519491231002X" not in page.content()

    # A clerk of another estate cannot reach it.
    switch_user(page, admin_login, "e2e_clerk_b")
    for url in (
        reverse("wagtailsnippets_archives_household:edit", args=[household.pk]),
        reverse("wagtailsnippets_archives_household:inspect", args=[household.pk]),
        reverse("archives_history", args=["household", household.pk]),
    ):
        assert page.goto(live_server.url + url).status == 404
