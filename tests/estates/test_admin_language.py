"""The admin reads in one language: the staff member's (English when chosen), never the server's.

Found by the browser's language walk (tests/e2e/test_language_walk.py), checked here per screen.
"""

import re

import pytest
from archives.models import Person
from bulletin.factories import NoticePageFactory
from django.urls import reverse
from estates import roles
from estates.models import PersonalDataAccess
from fees.factories import FeeItemFactory
from fees.models import FeeRate
from notifications.factories import MessageFactory
from notifications.models import Message
from owners.models import ResidentAccess
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u9fff]")


def english(user):
    UserProfile.get_for_user(user)
    UserProfile.objects.filter(user=user).update(preferred_language="en")
    return user


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def manager(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")


def test_snippet_breadcrumbs_and_choosers_follow_the_readers_language(client_for, manager, estate_a):
    # Wagtail builds both at start-up, in the server's language: an English reader saw 首页 and 选择 收费项目.
    FeeItemFactory(estate=estate_a)
    client = client_for(manager)
    chinese = client.get(reverse(FeeRate.snippet_viewset.get_url_name("add"))).content.decode()
    assert "首页" in chinese and "选择 收费项目" in chinese

    english(manager)
    html = client.get(reverse(FeeRate.snippet_viewset.get_url_name("add"))).content.decode()
    assert "首页" not in html and "选择" not in html
    assert re.search(r">\s*Home\s*<", html)
    assert re.search(r"Choose fee item", html, re.I)
    # "Snippets" leads the breadcrumbs of a model without its own menu item
    listing = client.get(reverse(ResidentAccess.snippet_viewset.get_url_name("list"))).content.decode()
    assert "片段" not in listing and re.search(r">\s*Snippets\s*<", listing)


def test_a_person_chooser_reads_english_then_chinese_again(client_for, manager, estate_a):
    english(manager)
    client = client_for(manager)
    url = reverse(ResidentAccess.snippet_viewset.get_url_name("add"))
    assert "选择 人员" not in client.get(url).content.decode()
    UserProfile.objects.filter(user=manager).update(preferred_language="")
    assert "选择 人员" in client.get(url).content.decode()


def test_last_published_by_no_one_prints_nothing(admin_client, estate_a):
    page = NoticePageFactory(estate=estate_a)
    page.save_revision().publish(user=None)
    html = admin_client.get(reverse("wagtailadmin_reports:aging_pages")).content.decode()
    assert page.title in html
    cells = [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
    assert "None" not in cells


def test_the_access_log_names_listed_fields_by_the_listed_models_words(client_for, manager, estate_a):
    # The message log lists recipients in full to a manager: the access log names the field
    # as the message log does (接收人), not "recipient", which a person does not have.
    MessageFactory(recipient="13800138000", estate=estate_a)
    client = client_for(manager)
    assert client.get(reverse(Message.snippet_viewset.get_url_name("list"))).status_code == 200
    entry = PersonalDataAccess.objects.get(fields="recipient")
    assert entry.content_type.model_class() is Message
    assert entry.fields_display() == "接收人" == str(Message._meta.get_field("recipient").verbose_name)
    log = client.get(reverse(PersonalDataAccess.snippet_viewset.get_url_name("list"))).content.decode()
    cells = [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", log, re.S)]
    assert "接收人" in cells and "recipient" not in cells


def test_an_entry_naming_no_model_reads_a_persons_fields(manager, estate_a):
    entry = PersonalDataAccess.objects.create(user=manager, action="export", fields="mobile", estate=estate_a)
    assert entry.fields_display() == str(Person._meta.get_field("mobile").verbose_name)


def test_msgids_with_chinese_glosses_read_english_to_an_english_reader(client_for, manager):
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("invoice title (抬头)") == "invoice title"
        assert not HAN.search(translation.gettext(
            "Columns: 小区编码 (estate code), 楼栋 (building), 单元 (unit), 房号 (room), 本期读数 (reading) and "
            "optionally 上期读数 (previous reading). Every row is checked first; nothing is stored unless the "
            "whole file is correct."))
    with translation.override("zh-hans"):
        assert translation.gettext("invoice title (抬头)") == "发票抬头"
    english(manager)
    response = client_for(manager).get(reverse("fees_readings_import"))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Columns: estate code, building, unit, room, reading" in text and "小区编码" not in text


def test_every_english_override_still_names_a_msgid_of_ours():
    # A msgid changed in its app would leave its English words behind, unused: say so here.
    from pathlib import Path

    import polib
    from django.conf import settings

    site = Path(settings.SITE_DIR)
    ours = {(e.msgctxt, e.msgid) for path in site.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
            for e in polib.pofile(str(path))}
    english = polib.pofile(str(site / "estatedesk/locale_overrides/en/LC_MESSAGES/django.po"))
    assert english.translated_entries()
    for entry in english:
        assert (entry.msgctxt, entry.msgid) in ours, entry.msgid
        assert HAN.search(entry.msgid) and not HAN.search(entry.msgstr), entry.msgid
