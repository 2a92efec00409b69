"""A clerk of estate A sees only estate A, cannot open estate B's house, and switches to English."""

import pytest
from django.urls import reverse
from estates import roles

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_is_scoped_to_her_estate_and_can_switch_to_english(
    page, live_server, admin_login, make_user, estate_a, house_a, house_b
):
    make_user(roles.CLERK, [estate_a], username="clerk_a")
    admin_login(page, "clerk_a")

    # The admin speaks Chinese by default.
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # The house listing shows estate A's house and nothing of estate B.
    page.goto(live_server.url + reverse("wagtailsnippets_estates_house:list"))
    listing = page.locator("main")
    assert listing.get_by_text(house_a.label).count() >= 1
    assert listing.get_by_text(house_b.label).count() == 0
    assert page.get_by_text(house_b.building.estate.name).count() == 0

    # Estate B's house by URL: not found.
    response = page.goto(live_server.url + reverse("wagtailsnippets_estates_house:edit", args=[house_b.pk]))
    assert response.status == 404
    response = page.goto(live_server.url + reverse("wagtailsnippets_estates_house:edit", args=[house_a.pk]))
    assert response.status == 200

    # Switch the admin to English in the account settings.
    page.goto(live_server.url + reverse("wagtailadmin_account"))
    page.select_option("select[name='locale-preferred_language']", "en")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("wagtailsnippets_estates_house:list"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Houses").count() >= 1
