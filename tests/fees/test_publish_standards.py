"""The fee standards (收费公示) are published to the estate's bulletin in one step."""

import datetime as dt
from decimal import Decimal

import pytest
from bulletin.models import NoticePage
from django.urls import reverse
from estates import roles
from fees.factories import FeeItemFactory, FeeRateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced_estate(estate_a):
    item = FeeItemFactory(estate=estate_a, name="物业服务费")
    FeeRateFactory(fee_item=item, amount=Decimal("2.8000"), valid_from=dt.date(2024, 1, 1))
    return estate_a


def test_manager_publishes_the_standards_as_a_live_pinned_fees_notice(make_user, client_for, priced_estate):
    manager = make_user(roles.ESTATE_MANAGER, [priced_estate])
    client = client_for(manager)
    url = reverse("fees_publish_standards")
    preview = client.get(url, {"estate": priced_estate.pk})
    assert preview.status_code == 200
    assert "物业服务费" in preview.content.decode()
    response = client.post(url, {"estate": priced_estate.pk})
    notice = NoticePage.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[notice.pk])
    assert notice.live and notice.pinned and notice.category == "fees"
    assert notice.estate == priced_estate
    assert "物业服务费" in notice.body and "2.8" in notice.body
    # Owners can read it on the public site.
    public = client_for(make_user(None, [])).get(notice.url)
    assert public.status_code == 200


def test_supervisor_without_bulletin_rights_cannot_publish(make_user, client_for, priced_estate):
    supervisor = make_user(roles.SUPERVISOR, [priced_estate])
    response = client_for(supervisor).post(reverse("fees_publish_standards"), {"estate": priced_estate.pk})
    assert response.status_code in (302, 403)
    assert not NoticePage.objects.exists()


def test_another_estate_is_not_found(make_user, client_for, priced_estate, estate_b):
    manager = make_user(roles.ESTATE_MANAGER, [priced_estate])
    response = client_for(manager).post(reverse("fees_publish_standards"), {"estate": estate_b.pk})
    assert response.status_code == 404
    assert not NoticePage.objects.exists()


def test_nothing_to_publish_is_a_clear_400(make_user, client_for, estate_a):
    manager = make_user(roles.ESTATE_MANAGER, [estate_a])
    response = client_for(manager).post(reverse("fees_publish_standards"), {"estate": estate_a.pk})
    assert response.status_code == 400
    assert not NoticePage.objects.exists()
