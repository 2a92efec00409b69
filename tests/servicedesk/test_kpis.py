"""KPI figures against a hand-made month whose answers were worked out by hand.

November 2026 in estate A (finish 48 h, feedback 24 h, result 72 h, suggestion 72 h,
return visit 24 h after a repair and 72 h after a complaint's result):

ticket  handler     what happened                                              counts in November
R1      clerk       in 02 09:00, done 03 09:00, visit 03 12:00 (5)             finish ✓, visit ✓
R2      clerk       in 02 09:00, done 05 09:00 (72 h), never visited           finish ✗, visit ✗ (due 06 09:00)
R3      supervisor  in 02 09:00, never done                                    finish ✗ (ran out 04 09:00)
R4      clerk       in Oct 30, done Oct 31, visit Oct 31 (3)                    nothing (October)
R5      clerk       in 10 09:00, done 10 12:00, visit (2, not confirmed),      finish ✓ ✓, visit ✓ ✓
                    reopened 10 14:00, done 11 09:00, visit 11 10:00 (4)
C1      clerk       in 02 09:00, feedback 02 15:00, result 04 09:00, visit (4)  feedback ✓, result ✓, visit ✓
C2      supervisor  in 02 09:00, result 06 09:00 (no feedback before)          feedback ✗, result ✗ (kept), visit ✗
S1      clerk       in 02 09:00, answered 03 09:00                             reply ✓
S2      clerk       in 20 09:00, never answered (due 23 09:00)                 reply ✗
E1      clerk       an enquiry: in no KPI

estate: repair 3/5, feedback 1/2, result 1/2, resolution 2/2, return visits 4/6, replies 1/2,
        satisfaction (5 + 2 + 4 + 4) / 4 = 3.75
clerk:  repair 3/4, feedback 1/1, result 1/1, resolution 1/1, return visits 4/5, replies 1/2, 3.75
supervisor: repair 0/1, feedback 0/1, result 0/1, resolution 1/1, return visits 0/1, no replies, —
"""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from servicedesk import selectors, services
from servicedesk.models import Ticket

from .conftest import SHANGHAI


def at(day, hour, month=11):
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def november(intake, clerk_a, supervisor_a, maintenance_a, frozen):
    def repair(received, handler=clerk_a):
        frozen.move_to(received)
        ticket = intake(handler=handler)
        services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
        services.ticket_start(ticket=ticket, by=maintenance_a)
        return ticket

    def done(ticket, when, result="ok"):
        frozen.move_to(when)
        services.ticket_done(ticket=ticket, result=result, by=clerk_a)

    def visit(ticket, when, score, confirmed=True):
        frozen.move_to(when)
        services.ticket_return_visit(ticket=ticket, satisfaction=score, owner_confirmed=confirmed, by=clerk_a)

    r1 = repair(at(2, 9))
    r2 = repair(at(2, 9))
    repair(at(2, 9), handler=supervisor_a)  # R3: never done
    r4 = repair(at(30, 9, month=10))
    done(r1, at(3, 9)); visit(r1, at(3, 12), 5)  # noqa: E702
    done(r2, at(5, 9))
    done(r4, at(31, 9, month=10)); visit(r4, at(31, 10, month=10), 3)  # noqa: E702
    r5 = repair(at(10, 9))
    done(r5, at(10, 12)); visit(r5, at(10, 13), 2, confirmed=False)  # noqa: E702
    frozen.move_to(at(10, 14))
    services.ticket_reopen(ticket=r5, reason="仍漏水", by=clerk_a)
    done(r5, at(11, 9)); visit(r5, at(11, 10), 4)  # noqa: E702

    frozen.move_to(at(2, 9))
    c1 = intake(kind="complaint", severity="general")
    c2 = intake(kind="complaint", severity="general", handler=supervisor_a)
    services.ticket_start(ticket=c1, by=clerk_a)
    services.ticket_start(ticket=c2, by=clerk_a)
    frozen.move_to(at(2, 15))
    services.ticket_feedback(ticket=c1, note="已回复业主", by=clerk_a)
    done(c1, at(4, 9)); visit(c1, at(4, 10), 4)  # noqa: E702
    done(c2, at(6, 9))

    frozen.move_to(at(2, 9))
    s1 = intake(kind="suggestion")
    intake(kind="enquiry")
    frozen.move_to(at(3, 9))
    services.ticket_done(ticket=s1, result="采纳，谢谢", adopted=True, by=clerk_a)
    frozen.move_to(at(20, 9))
    intake(kind="suggestion")
    frozen.move_to(datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI))
    return {"r5": r5}


def figures(row):
    return {code: (ratio.num, ratio.den) for code, ratio in row.figures.items()}


def test_estate_figures_by_hand(november, estate_a):
    [row] = selectors.kpis(tickets=Ticket.objects.filter(estate=estate_a), month=date(2026, 11, 1))
    assert figures(row) == {
        "repair_timeliness": (3, 5),
        "complaint_feedback_timeliness": (1, 2),
        "complaint_result_timeliness": (1, 2),
        "complaint_resolution": (2, 2),
        "return_visit_rate": (4, 6),
        "suggestion_reply_rate": (1, 2),
    }
    assert row.average_satisfaction == pytest.approx(3.75)
    assert row.figures["repair_timeliness"].rate == pytest.approx(0.6)


def test_handler_figures_by_hand(november, estate_a, clerk_a, supervisor_a):
    rows = selectors.kpis(tickets=Ticket.objects.filter(estate=estate_a), month=date(2026, 11, 1), by_handler=True)
    by = {row.handler: row for row in rows}
    assert figures(by[clerk_a]) == {
        "repair_timeliness": (3, 4), "complaint_feedback_timeliness": (1, 1),
        "complaint_result_timeliness": (1, 1), "complaint_resolution": (1, 1),
        "return_visit_rate": (4, 5), "suggestion_reply_rate": (1, 2),
    }
    assert by[clerk_a].average_satisfaction == pytest.approx(3.75)
    assert figures(by[supervisor_a]) == {
        "repair_timeliness": (0, 1), "complaint_feedback_timeliness": (0, 1),
        "complaint_result_timeliness": (0, 1), "complaint_resolution": (1, 1),
        "return_visit_rate": (0, 1), "suggestion_reply_rate": (0, 0),
    }
    assert by[supervisor_a].average_satisfaction is None


def test_october_holds_only_what_was_settled_in_october(november, estate_a):
    [row] = selectors.kpis(tickets=Ticket.objects.filter(estate=estate_a), month=date(2026, 10, 1))
    assert figures(row)["repair_timeliness"] == (1, 1)
    assert figures(row)["return_visit_rate"] == (1, 1)
    assert row.average_satisfaction == 3


def test_a_clock_still_running_is_not_counted_yet(november, estate_a, frozen):
    frozen.move_to(at(22, 9))  # S2's answer is due on the 23rd: not decided yet
    [row] = selectors.kpis(tickets=Ticket.objects.filter(estate=estate_a), month=date(2026, 11, 1))
    assert figures(row)["suggestion_reply_rate"] == (1, 1)


def test_kpi_page_and_exports(november, manager_a, clerk_a, client_for, estate_a):
    client = client_for(manager_a)
    page = client.get("/admin/servicedesk/kpi/", {"month": "2026-11"})
    assert page.status_code == 200
    assert "60.0% (3/5)" in page.content.decode()
    response = client.get("/admin/servicedesk/kpi/", {"month": "2026-11", "by": "handler", "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # header + clerk + supervisor
    clerk_row, supervisor_row = rows[1], rows[2]  # sorted by username
    assert clerk_row[1] == clerk_a.get_full_name()
    assert clerk_row[2:5] == (75.0, 3, 4)
    assert supervisor_row[2:5] == (0.0, 0, 1)
    response = client.get("/admin/servicedesk/kpi/", {"month": "2026-11", "format": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[1][0] == estate_a.name and lines[1][1:4] == ["60.0", "3", "5"]
    assert lines[1][-2:] == ["3.75", "4"]


def test_only_managers_see_kpis_and_only_of_their_estates(november, clerk_a, client_for, make_user, estate_b):
    from estates import roles

    # Wagtail answers a missing permission by sending the user back to the dashboard.
    response = client_for(clerk_a).get("/admin/servicedesk/kpi/")
    assert response.status_code == 302 and response.url == "/admin/"
    manager_b = make_user(roles.ESTATE_MANAGER, [estate_b], username="manager_b")
    page = client_for(manager_b).get("/admin/servicedesk/kpi/", {"month": "2026-11"})
    assert page.status_code == 200 and "3/5" not in page.content.decode()


def test_bad_month_is_a_clear_400(manager_a, client_for):
    response = client_for(manager_a).get("/admin/servicedesk/kpi/", {"month": "2026-13"})
    assert response.status_code == 400
