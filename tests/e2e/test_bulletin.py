"""Browser journeys of the bulletin: a secretary publishes a bilingual notice in the Wagtail
admin and an anonymous reader finds it on a phone in both languages; an owner signs up for an
event and later rates it."""

import re
from datetime import timedelta

import pytest
from bulletin.factories import EventPageFactory, home_for
from bulletin.models import EventFeedback, EventPage, EventSignup, NoticePage
from bulletin.services import bulletin_setup, notice_index_of
from django.utils import timezone
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def estate():
    estate = EstateFactory(name="和悦苑", code="HYY")
    bulletin_setup(estates=[estate])
    return estate


def _type_rich_text(page, field_name, text):
    """Type into a Draftail editor and wait until the editor really holds the text."""
    from playwright.sync_api import expect

    editor = page.locator(
        f"#panel-child-content-{field_name}-content [contenteditable='true'], "
        f"[data-contentpath='{field_name}'] [contenteditable='true']"
    ).first
    editor.scroll_into_view_if_needed()
    editor.click()
    expect(editor).to_be_focused()
    page.keyboard.type(text)
    expect(editor).to_contain_text(text)
    # Draftail writes its content to the hidden form input on a debounce: wait for it, or a
    # quick submit would save the field empty.
    expect(page.locator(f"input[name='{field_name}']")).to_have_value(re.compile(re.escape(text)))


def test_secretary_publishes_bilingual_notice_and_reader_finds_it_on_a_phone(
    page, phone_page, admin_login, live_server, make_user, estate, axe_check
):
    make_user(roles.SECRETARY, [estate], username="mishu")
    index = notice_index_of(home_for(estate))

    admin_login(page, "mishu")
    page.goto(f"{live_server.url}/admin/pages/add/bulletin/noticepage/{index.pk}/")
    page.fill("#id_title", "小区停水通知")
    _type_rich_text(page, "body", "本周六上午三栋停水，请提前储水。")
    page.fill("#id_title_en", "Water outage notice")
    _type_rich_text(page, "body_en", "No water in building 3 on Saturday morning.")
    page.select_option("#id_category", "outage")
    page.check("#id_urgent")
    # Publish sits in the footer's action menu.
    publish = page.locator('button[name="action-publish"]')
    if not publish.is_visible():
        page.locator("footer [aria-label], footer .dropdown-toggle, footer button[data-w-dropdown-target='toggle']").last.click()
    publish.click()
    page.wait_for_url("**/admin/pages/**")
    notice = NoticePage.objects.get(title="小区停水通知")
    assert notice.live and notice.title_en == "Water outage notice" and notice.estate_id == estate.pk
    assert "No water in building 3" in notice.body_en

    reader = phone_page
    reader.goto(live_server.url + "/")
    reader.get_by_role("link", name="和悦苑").first.click()
    reader.get_by_role("link", name="小区停水通知").click()
    assert "本周六上午三栋停水" in reader.locator("main").inner_text()
    assert reader.locator(".tag.urgent").count() == 1
    axe_check(reader)
    reader.get_by_role("link", name="English").first.click()
    reader.wait_for_selector("h1:has-text('Water outage notice')")
    assert "No water in building 3" in reader.locator("main").inner_text()
    assert reader.locator("html").get_attribute("lang") == "en"
    axe_check(reader)
    # Back home in English: the listing shows the English title.
    reader.get_by_role("link", name="和悦苑").first.click()
    assert reader.get_by_role("link", name="Water outage notice").is_visible()
    axe_check(reader)


def test_owner_signs_up_for_an_event_and_later_rates_it(phone_page, live_server, estate, axe_check):
    house = HouseFactory(building=BuildingFactory(estate=estate, name="3栋"), unit="1", room="1201", floor=12)
    event = EventPageFactory(estate=estate, title="中秋游园会", slug="mid-autumn", capacity=30)

    owner = phone_page
    owner.goto(live_server.url + event.url)
    axe_check(owner)
    owner.get_by_role("link", name="我要报名").click()
    owner.fill("#id_name", "王芳")
    owner.select_option("#id_house", str(house.pk))
    owner.fill("#id_mobile", "139 1234 5678")
    owner.fill("#id_people", "3")
    axe_check(owner)
    owner.get_by_role("button", name="我要报名").click()
    owner.wait_for_selector("text=报名成功")
    signup = EventSignup.objects.get(event=event)
    assert signup.mobile == "13912345678" and signup.people == 3

    # A second sign-up with the same mobile gets a clear message.
    owner.goto(f"{live_server.url}/bulletin/events/{event.pk}/signup/")
    owner.fill("#id_name", "王芳")
    owner.select_option("#id_house", str(house.pk))
    owner.fill("#id_mobile", "13912345678")
    owner.fill("#id_people", "1")
    owner.get_by_role("button", name="我要报名").click()
    assert "已报名" in owner.locator("[role=alert]").inner_text()

    # Later: the event is over.
    past = timezone.now() - timedelta(hours=2)
    EventPage.objects.filter(pk=event.pk).update(
        starts_at=past - timedelta(hours=3), ends_at=past, signup_deadline=past - timedelta(days=1)
    )
    owner.goto(f"{live_server.url}/bulletin/events/{event.pk}/feedback/")
    owner.fill("#id_mobile", "13912345678")
    owner.check("input[name=score][value='5']")
    owner.fill("#id_comment", "活动很精彩")
    axe_check(owner)
    owner.get_by_role("button", name="提交").click()
    owner.wait_for_selector("text=感谢您的评价")
    feedback = EventFeedback.objects.get(signup=signup)
    assert feedback.score == 5 and feedback.comment == "活动很精彩"
