"""The admin as staff use it: board, intake, a ticket's page and its step forms, listing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from estates.models import PersonalDataAccess
from servicedesk import services
from servicedesk.factories import TicketFactory
from servicedesk.models import Ticket


def test_intake_through_the_admin(frontdesk_a, client_for, house_a, estate_a):
    client = client_for(frontdesk_a)
    assert client.get("/admin/servicedesk/intake/").status_code == 200
    response = client.post("/admin/servicedesk/intake/", {
        "estate": estate_a.pk, "kind": "repair", "channel": "phone",
        "building": "1栋", "unit": "1", "room": "101",
        "contact_name": "李女士", "contact_mobile": "13700001111", "description": "灯不亮",
    })
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == f"/admin/servicedesk/tickets/{ticket.pk}/"
    assert ticket.house == house_a and ticket.handler == frontdesk_a and ticket.clocks.count() == 2


def test_intake_bad_input_is_shown_on_the_form(frontdesk_a, client_for, estate_a, house_b):
    client = client_for(frontdesk_a)
    response = client.post("/admin/servicedesk/intake/", {
        "estate": estate_a.pk, "kind": "complaint", "channel": "phone", "house": house_b.pk,
        "contact_name": "李女士", "contact_mobile": "1370000", "description": "x",
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.content.decode()
    assert "该房屋不在所选小区内" in body
    assert "请输入 11 位大陆手机号码" in body
    assert Ticket.objects.count() == 0


def test_the_whole_repair_through_the_ticket_page(intake, clerk_a, maintenance_a, client_for):
    ticket = intake()
    url = f"/admin/servicedesk/tickets/{ticket.pk}/"
    clerk, worker = client_for(clerk_a), client_for(maintenance_a)
    page = clerk.get(url)
    assert page.status_code == 200 and 'id="action-dispatch"' in page.content.decode()
    assert clerk.post(url + "dispatch/", {"dispatch-assignee": maintenance_a.pk}).status_code == 302
    assert worker.post(url + "start/").status_code == 302
    assert worker.post(url + "done/", {"done-result": "换灯泡"}).status_code == 302
    assert clerk.post(url + "close/").status_code == 400  # no return visit yet
    assert clerk.post(url + "return_visit/", {"return_visit-satisfaction": "5", "return_visit-owner_confirmed": "on"}).status_code == 302
    assert clerk.post(url + "close/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    body = clerk.get(url).content.decode()
    assert "按时达成" in body or "kept in time" in body  # the clocks are shown
    assert body.count("<tr>") >= 6


def test_step_errors_are_400_and_change_nothing(intake, clerk_a, maintenance_b, client_for):
    ticket = intake()
    url = f"/admin/servicedesk/tickets/{ticket.pk}/"
    response = client_for(clerk_a).post(url + "dispatch/", {"dispatch-assignee": maintenance_b.pk})
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    assert client_for(clerk_a).post(url + "nonsense/").status_code == 404
    assert client_for(clerk_a).post(url + "return_visit/", {"return_visit-satisfaction": "9"}).status_code == 400


def test_another_estates_ticket_is_404(intake, clerk_b, client_for):
    ticket = intake()
    client = client_for(clerk_b)
    assert client.get(f"/admin/servicedesk/tickets/{ticket.pk}/").status_code == 404
    assert client.post(f"/admin/servicedesk/tickets/{ticket.pk}/close/").status_code == 404
    listing = client.get("/admin/snippets/servicedesk/ticket/")
    assert listing.status_code == 200 and ticket.number not in listing.content.decode()


def test_maintenance_sees_only_what_is_dispatched_to_them(intake, clerk_a, maintenance_a, client_for):
    mine, other = intake(), intake()
    services.ticket_dispatch(ticket=mine, assignee=maintenance_a, by=clerk_a)
    client = client_for(maintenance_a)
    listing = client.get("/admin/snippets/servicedesk/ticket/").content.decode()
    assert mine.number in listing and other.number not in listing
    assert client.get(f"/admin/servicedesk/tickets/{other.pk}/").status_code == 404
    board = client.get("/admin/servicedesk/board/").content.decode()
    assert mine.number in board and other.number not in board


def test_mobile_is_masked_for_front_desk_and_logged_when_shown(intake, frontdesk_a, clerk_a, client_for):
    ticket = intake(contact_mobile="13812345678")
    url = f"/admin/servicedesk/tickets/{ticket.pk}/"
    body = client_for(frontdesk_a).get(url).content.decode()
    assert "13812345678" not in body and "138****5678" in body
    assert not PersonalDataAccess.objects.exists()
    assert "13812345678" in client_for(clerk_a).get(url).content.decode()
    assert PersonalDataAccess.objects.filter(user=clerk_a, action="view").count() == 1


def test_board_sections(intake, clerk_a, client_for, frozen):
    from datetime import timedelta

    from .conftest import T0

    overdue = intake(kind="enquiry")
    frozen.move_to(T0 + timedelta(hours=2))
    soon = intake(kind="enquiry")
    response = client_for(clerk_a).get("/admin/servicedesk/board/")
    assert response.status_code == 200
    sections = {key: [t.pk for t in rows] for key, _title, rows in response.context["sections"]}
    assert sections["overdue"] == [overdue.pk]
    assert sections["due_soon"] == [soon.pk]
    assert set(sections["mine"]) == {overdue.pk, soon.pk}


def test_listing_filters_and_search(intake, clerk_a, client_for, house_a2):
    repair = intake(description="电梯困人")
    complaint = intake(kind="complaint", severity="urgent", house=house_a2)
    client = client_for(clerk_a)
    url = "/admin/snippets/servicedesk/ticket/"
    body = client.get(url, {"kind": "complaint"}).content.decode()
    assert complaint.number in body and repair.number not in body
    body = client.get(url, {"building": house_a2.building_id}).content.decode()
    assert complaint.number in body and repair.number not in body
    body = client.get(url, {"q": "电梯"}).content.decode()
    assert repair.number in body and complaint.number not in body
    body = client.get(url, {"severity": "urgent", "status": "new", "handler": clerk_a.pk}).content.decode()
    assert complaint.number in body and repair.number not in body


@pytest.mark.parametrize("rows", [10])
def test_listing_queries_do_not_grow_with_rows(clerk_a, client_for, house_a, rows):
    client = client_for(clerk_a)
    url = "/admin/snippets/servicedesk/ticket/"
    TicketFactory.create_batch(rows, house=house_a, handler=clerk_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    TicketFactory.create_batch(40, house=house_a, handler=clerk_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_snippet_add_and_edit_go_to_the_desk_views(intake, clerk_a, client_for):
    ticket = intake()
    client = client_for(clerk_a)
    assert client.get("/admin/snippets/servicedesk/ticket/add/").url == "/admin/servicedesk/intake/"
    edit = client.get(f"/admin/snippets/servicedesk/ticket/edit/{ticket.pk}/")
    assert edit.url == f"/admin/servicedesk/tickets/{ticket.pk}/"


def test_shift_handover_page(intake, clerk_a, make_user, estate_a, client_for):
    from estates import roles

    evening = make_user(roles.CLERK, [estate_a], username="clerk_evening")
    ticket = intake()
    client = client_for(clerk_a)
    assert client.get("/admin/servicedesk/handover/").status_code == 200
    response = client.post("/admin/servicedesk/handover/", {
        "estate": estate_a.pk, "from_user": clerk_a.pk, "to_user": evening.pk, "note": "夜班",
    })
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).handler == evening
    again = client.post("/admin/servicedesk/handover/", {"estate": estate_a.pk, "from_user": clerk_a.pk, "to_user": evening.pk})
    assert again.status_code == 400


def test_a_steward_cannot_dispatch_through_the_page(intake, make_user, estate_a, maintenance_a, client_for):
    from estates import roles

    steward = make_user(roles.STEWARD, [estate_a], username="steward_a")
    ticket = intake()
    client = client_for(steward)
    assert 'id="action-dispatch"' not in client.get(f"/admin/servicedesk/tickets/{ticket.pk}/").content.decode()
    response = client.post(f"/admin/servicedesk/tickets/{ticket.pk}/dispatch/", {"dispatch-assignee": maintenance_a.pk})
    assert response.status_code in (302, 403) and Ticket.objects.get(pk=ticket.pk).status == "new"


def test_clock_settings_are_for_supervisors_of_the_estate(supervisor_a, clerk_a, estate_a, estate_b, client_for):
    from servicedesk.models import ServiceClockSettings

    data = {
        "estate": estate_a.pk, "repair_respond_hours": 12, "repair_finish_hours": 36, "repair_return_visit_hours": 24,
        "complaint_record_hours": 1, "complaint_takeover_hours": 1, "complaint_feedback_hours": 24,
        "complaint_result_hours": 72, "complaint_return_visit_hours": 72, "suggestion_answer_hours": 72,
        "enquiry_answer_hours": 1,
    }
    url = "/admin/snippets/servicedesk/serviceclocksettings/add/"
    assert client_for(clerk_a).post(url, data).status_code in (302, 403)
    assert not ServiceClockSettings.objects.exists()
    assert client_for(supervisor_a).post(url, {**data, "estate": estate_b.pk}).status_code == 200  # not a choice
    assert not ServiceClockSettings.objects.exists()
    assert client_for(supervisor_a).post(url, data).status_code == 302
    assert ServiceClockSettings.objects.get().repair_finish_hours == 36


def test_step_labels_follow_the_users_admin_language(intake, clerk_a, client_for):
    from wagtail.users.models import UserProfile

    ticket = intake()
    client = client_for(clerk_a)
    url = f"/admin/servicedesk/tickets/{ticket.pk}/"
    assert ">派工</button>" in client.get(url).content.decode()
    profile = UserProfile.get_for_user(clerk_a)
    profile.preferred_language = "en"
    profile.save()
    assert ">Dispatch</button>" in client.get(url).content.decode()
