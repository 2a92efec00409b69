"""Staff are shown by their Chinese full name (王静), never "静 王" nor their login."""

import pytest
from archives.factories import KeyFactory
from django.contrib.auth import get_user_model
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from lending.factories import LoanFactory
from wagtail.admin.utils import get_user_display_name

pytestmark = pytest.mark.django_db


def test_full_name_family_name_first_without_space():
    User = get_user_model()
    assert User(username="frontdesk", first_name="静", last_name="王").get_full_name() == "王静"
    assert str(User(username="frontdesk", first_name="静", last_name="王")) == "王静"
    assert User(username="jw", first_name="Jing", last_name="Wang").get_full_name() == "Jing Wang"
    assert str(User(username="nobody")) == "nobody"  # no name given: the login is all there is


def test_wagtail_and_our_pages_show_the_chinese_name(make_user, estate_a, client_for):
    frontdesk = make_user(roles.FRONT_DESK, [estate_a], username="frontdesk", first_name="静", last_name="王")
    assert get_user_display_name(frontdesk) == "王静"
    supervisor = make_user(roles.SUPERVISOR, [estate_a], username="supervisor", first_name="强", last_name="李")
    key = KeyFactory(opens_house=HouseFactory(building=BuildingFactory(estate=estate_a)))
    loan = LoanFactory(key=key, requested_by=frontdesk)

    page = client_for(supervisor).get(f"/admin/lending/loan/{loan.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert "王静" in html and "静 王" not in html
    assert "· frontdesk" not in html

    home = client_for(frontdesk).get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "王静" in home and "静 王" not in home
    # The sidebar's account menu (JSON props): the full name, not the given name alone.
    assert '"name": "\\u738b\\u9759"' in home or '"name": "王静"' in home
