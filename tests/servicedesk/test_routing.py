"""Repairs routed by type: categories per estate, intake picks one, dispatch proposes the routed
assignee, the KPIs can be read per category; the routing table checks its assignee."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from servicedesk import services
from servicedesk.factories import RepairCategoryFactory
from servicedesk.models import RepairCategory

pytestmark = pytest.mark.django_db


def test_the_default_categories_are_seeded_once(estate_a):
    assert services.repair_categories_seed(estate=estate_a) == 6
    assert services.repair_categories_seed(estate=estate_a) == 0
    assert set(RepairCategory.objects.filter(estate=estate_a).values_list("name", flat=True)) >= {"水电", "电梯"}


def test_an_estate_created_in_the_admin_starts_with_the_default_categories(client_for, make_user):
    from estates.models import Estate

    superuser = make_user(None, [], is_superuser=True)
    response = client_for(superuser).post("/admin/snippets/estates/estate/add/", {
        "name": "新城苑", "code": "XCY", "address": "", "hotline": "020-12345678", "managed_area": "1000"})
    assert response.status_code == 302, response.content.decode()[:2000]
    estate = Estate.objects.get(code="XCY")
    names = list(RepairCategory.objects.filter(estate=estate).order_by("order").values_list("name", flat=True))
    assert names == ["水电", "管道", "门窗", "电梯", "公共设施", "其他"]


def test_intake_picks_the_category_and_dispatch_proposes_its_route(intake, estate_a, maintenance_a, client_for,
                                                                    clerk_a):
    category = RepairCategoryFactory(estate=estate_a, name="水电", assignee=maintenance_a, contractor="")
    ticket = intake(category=category)
    assert ticket.category == category
    assert services.proposed_assignment(ticket) == {"assignee": maintenance_a.pk, "contractor": ""}
    page = client_for(clerk_a).get(f"/admin/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert f'value="{maintenance_a.pk}" selected' in page and "水电" in page


def test_a_contractor_route_is_proposed_by_name(intake, estate_a, client_for, clerk_a):
    category = RepairCategoryFactory(estate=estate_a, name="电梯", contractor="奥的斯电梯维保")
    ticket = intake(category=category)
    page = client_for(clerk_a).get(f"/admin/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert 'value="奥的斯电梯维保"' in page


def test_intake_refuses_a_category_of_another_estate_or_for_a_complaint(intake, estate_b, estate_a):
    with pytest.raises(ValidationError) as exc:
        intake(category=RepairCategoryFactory(estate=estate_b))
    assert "category" in exc.value.message_dict
    with pytest.raises(ValidationError):
        intake(kind="complaint", severity="general", category=RepairCategoryFactory(estate=estate_a))


def test_the_intake_form_offers_the_category(client_for, clerk_a, estate_a, house_a):
    category = RepairCategoryFactory(estate=estate_a, name="门窗")
    response = client_for(clerk_a).post("/admin/servicedesk/intake/", {
        "estate": estate_a.pk, "kind": "repair", "category": category.pk, "channel": "phone",
        "building": "1栋", "unit": "1", "room": "101", "contact_name": "王先生", "contact_mobile": "13800138000",
        "description": "窗户关不上",
    })
    assert response.status_code == 302
    assert category.tickets.count() == 1


def test_the_routing_table_wants_maintenance_of_the_estate(estate_a, maintenance_b):
    row = RepairCategory(estate=estate_a, name="管道", assignee=maintenance_b)
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert "assignee" in exc.value.message_dict
    with pytest.raises(ValidationError):
        RepairCategory(estate=estate_a, name="管道").full_clean()  # nobody to route to


def test_the_kpis_are_read_per_category(intake, estate_a, manager_a, client_for, frozen):
    water = RepairCategoryFactory(estate=estate_a, name="水电")
    lift = RepairCategoryFactory(estate=estate_a, name="电梯")
    intake(category=water)
    intake(category=lift)
    intake(category=lift)
    client = client_for(manager_a)
    month = date.today().strftime("%Y-%m")
    assert client.get("/admin/servicedesk/kpi/", {"month": month, "category": lift.pk}).status_code == 200
    from servicedesk.models import Ticket
    from servicedesk.selectors import kpis

    frozen.move_to("2026-11-10 09:00+08:00")
    rows = kpis(tickets=Ticket.objects.filter(category=lift), month=date(2026, 11, 1))
    assert rows[0].figures["repair_timeliness"].den == 2
