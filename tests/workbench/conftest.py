"""A desk whose workbench figures are known by hand (see each comment), at a frozen moment."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from archives.factories import HouseholdFactory, KeyFactory
from bulletin.factories import (
    EventPageFactory,
    EventReturnVisitFactory,
    EventSignupFactory,
    NoticePageFactory,
    home_for,
)
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from fees.factories import ArrearsCaseFactory
from lending.factories import LoanFactory
from lending.models import Loan
from servicedesk import services
from servicedesk.models import ClockEscalation, Ticket, TicketClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 2026-11-02 09:00 in Shanghai.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(make_user, estate_a, estate_b):
    return {
        "clerk": make_user(roles.CLERK, [estate_a], username="clerk_a", first_name="静", last_name="王"),
        "clerk2": make_user(roles.CLERK, [estate_a], username="clerk_a2"),
        "supervisor": make_user(roles.SUPERVISOR, [estate_a], username="supervisor_a"),
        "frontdesk": make_user(roles.FRONT_DESK, [estate_a], username="frontdesk_a"),
        "steward": make_user(roles.STEWARD, [estate_a], username="steward_a"),
        "secretary": make_user(roles.SECRETARY, [estate_a], username="secretary_a"),
        "manager": make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a"),
        "clerk_b": make_user(roles.CLERK, [estate_b], username="clerk_b"),
    }


def _ticket(estate, house, by, *, ago, kind="repair", **kwargs):
    return services.ticket_intake(
        estate=estate, kind=kind, house=house, contact_name="王先生", contact_mobile="13800138000",
        description="卫生间漏水", received_at=T0 - ago, by=by, **kwargs,
    )


@pytest.fixture
def desk(frozen, staff, estate_a, estate_b):
    """Expected figures are in ``EXPECTED`` (test_workbench.py)."""
    house = HouseFactory(building=BuildingFactory(estate=estate_a, name="1栋"), unit="1", room="101")
    house_b = HouseFactory(building=BuildingFactory(estate=estate_b, name="9栋"), unit="1", room="901")
    clerk, supervisor = staff["clerk"], staff["supervisor"]
    HouseholdFactory(house=house, steward=staff["steward"])

    # --- tickets of the clerk (handler) -------------------------------------------------
    # repair respond clock due T0-1h: overdue (and escalated to the supervisor below)
    late = _ticket(estate_a, house, clerk, ago=timedelta(hours=25))
    ClockEscalation.objects.create(clock=late.clocks.get(kind=TicketClock.Kind.RESPOND), level=2)
    # enquiries answered within 1 h: due 09:30 and 10:00, within 2 h
    _ticket(estate_a, house, clerk, ago=timedelta(minutes=30), kind="enquiry")
    _ticket(estate_a, house, clerk, ago=timedelta(0), kind="enquiry")
    # repair received 20 h ago: respond due 13:00 today
    _ticket(estate_a, house, clerk, ago=timedelta(hours=20))
    # a repair done, waiting for its return visit (also a steward's household's visit)
    done = _ticket(estate_a, house, clerk, ago=timedelta(hours=1))
    Ticket.objects.filter(pk=done.pk).update(status=Ticket.Status.DONE)
    # another clerk's overdue ticket: not the clerk's, but the supervisor sees nothing special in it
    _ticket(estate_a, house, staff["clerk2"], ago=timedelta(hours=30))
    # a major complaint handled by the supervisor: waiting for the takeover
    _ticket(estate_a, house, supervisor, ago=timedelta(minutes=10), kind="complaint", severity="major")
    # another estate: never counted
    other = _ticket(estate_b, house_b, staff["clerk_b"], ago=timedelta(hours=25))
    ClockEscalation.objects.create(clock=other.clocks.get(kind=TicketClock.Kind.RESPOND), level=2)
    _ticket(estate_b, house_b, staff["clerk_b"], ago=timedelta(hours=1), kind="complaint", severity="urgent")

    # --- loans ---------------------------------------------------------------------------
    def key(estate, h=None):
        return KeyFactory(opens_house=h or HouseFactory(building=BuildingFactory(estate=estate)))

    LoanFactory(key=key(estate_a))  # requested
    LoanFactory(key=key(estate_a))  # requested
    LoanFactory(key=key(estate_b))  # requested, other estate
    LoanFactory(key=key(estate_a), status=Loan.Status.APPROVED)
    out = {"status": Loan.Status.OUT, "handed_out_at": T0 - timedelta(hours=3)}
    LoanFactory(key=key(estate_a), due_at=T0 + timedelta(hours=6), **out)  # due back 15:00 today
    LoanFactory(key=key(estate_a), due_at=T0 - timedelta(hours=1), **out)  # overdue
    LoanFactory(key=key(estate_a), due_at=T0 + timedelta(days=2), **out)  # neither
    LoanFactory(key=key(estate_b), due_at=T0 - timedelta(hours=1), **out)  # other estate

    # --- arrears of the steward's households --------------------------------------------------
    def owing(next_step, steward=staff["steward"], estate=estate_a):
        h = HouseFactory(building=BuildingFactory(estate=estate))
        HouseholdFactory(house=h, steward=steward)
        return ArrearsCaseFactory(house=h, next_step=next_step)

    owing("call")
    owing("call")
    owing("visit")
    owing("call", steward=None)  # nobody's household
    owing("call", steward=None, estate=estate_b)

    # --- bulletin -----------------------------------------------------------------------------
    home_for(estate_a)
    home_for(estate_b)
    NoticePageFactory(estate=estate_a, live=False)  # draft
    EventPageFactory(estate=estate_a, live=False)  # draft
    NoticePageFactory(estate=estate_b, live=False)  # other estate's draft
    NoticePageFactory(estate=estate_a)  # published
    scheduled = NoticePageFactory(estate=estate_a, live=False, go_live_at=T0 + timedelta(days=1))
    scheduled.save_revision().publish()
    past = {"starts_at": T0 - timedelta(days=2), "ends_at": T0 - timedelta(days=2, hours=-3)}
    waiting = EventPageFactory(estate=estate_a, **past)
    for _n in range(3):
        EventSignupFactory(event=waiting)
    visited = EventPageFactory(estate=estate_a, **past)
    EventReturnVisitFactory(signup=EventSignupFactory(event=visited))
    return staff
