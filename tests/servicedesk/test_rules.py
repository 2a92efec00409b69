"""Bad input and forbidden steps: a clear translated message, nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from estates import roles
from servicedesk import services
from servicedesk.models import ShiftHandover, Ticket, TicketEvent


def snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (ticket.status, ticket.assignee_id, ticket.handler_id, ticket.events.count(),
            ticket.clocks.filter(met_at__isnull=False).count(), ticket.return_visits.count())


@pytest.fixture
def done_repair(intake, clerk_a, maintenance_a):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    services.ticket_start(ticket=ticket, by=maintenance_a)
    services.ticket_done(ticket=ticket, result="ok", by=maintenance_a)
    return ticket


def test_closing_without_a_return_visit_is_refused_in_chinese(done_repair, clerk_a):
    before = snapshot(done_repair)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.ticket_close(ticket=done_repair, by=clerk_a)
    assert "回访" in exc.value.messages[0]
    assert snapshot(done_repair) == before


def test_a_return_visit_before_the_work_is_done_is_refused(intake, clerk_a, maintenance_a):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    before = snapshot(ticket)
    with pytest.raises(ValidationError) as exc:
        services.ticket_return_visit(ticket=ticket, satisfaction=5, owner_confirmed=True, by=clerk_a)
    assert exc.value.code == "wrong_status"
    assert snapshot(ticket) == before


def test_closing_when_the_owner_does_not_confirm_is_refused(done_repair, clerk_a):
    services.ticket_return_visit(ticket=done_repair, satisfaction=2, owner_confirmed=False, by=clerk_a)
    with pytest.raises(ValidationError) as exc:
        services.ticket_close(ticket=done_repair, by=clerk_a)
    assert exc.value.code == "not_confirmed"


@pytest.mark.parametrize("score", [0, 6, "x", None])
def test_satisfaction_is_1_to_5(done_repair, clerk_a, score):
    with pytest.raises(ValidationError):
        services.ticket_return_visit(ticket=done_repair, satisfaction=score, owner_confirmed=True, by=clerk_a)
    assert done_repair.return_visits.count() == 0


def test_dispatching_to_someone_outside_the_estate_is_refused(intake, clerk_a, maintenance_b, clerk_b):
    ticket = intake()
    before = snapshot(ticket)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.ticket_dispatch(ticket=ticket, assignee=maintenance_b, by=clerk_a)
    assert exc.value.code == "outside_estate" and "和悦苑" in exc.value.messages[0]
    # A clerk of the estate is not maintenance staff either.
    with pytest.raises(ValidationError):
        services.ticket_dispatch(ticket=ticket, assignee=clerk_a, by=clerk_a)
    with pytest.raises(ValidationError):
        services.ticket_dispatch(ticket=ticket, by=clerk_a)  # nobody named
    assert snapshot(ticket) == before


def test_dispatch_to_a_contractor(intake, clerk_a):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, contractor="鑫达电梯公司", by=clerk_a)
    assert Ticket.objects.get(pk=ticket.pk).contractor == "鑫达电梯公司"


def test_skipping_steps_is_refused(intake, clerk_a, maintenance_a):
    ticket = intake()
    with pytest.raises(ValidationError):
        services.ticket_start(ticket=ticket, by=clerk_a)  # a repair is dispatched first
    with pytest.raises(ValidationError):
        services.ticket_done(ticket=ticket, result="x", by=clerk_a)
    with pytest.raises(ValidationError):
        services.ticket_reopen(ticket=ticket, reason="x", by=clerk_a)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"contact_mobile": "12345"}, "contact_mobile"),
        ({"description": "  "}, "description"),
        ({"kind": "complaint"}, "severity"),
        ({"severity": "major"}, "severity"),
        ({"house": None}, "house"),
    ],
)
def test_intake_rejects_bad_input(intake, overrides, field):
    with pytest.raises(ValidationError) as exc:
        intake(**overrides)
    assert field in exc.value.message_dict
    assert Ticket.objects.count() == 0


def test_intake_of_a_house_of_another_estate_is_refused(intake, house_b):
    with pytest.raises(ValidationError) as exc:
        intake(house=house_b)
    assert "house" in exc.value.message_dict
    assert Ticket.objects.count() == 0


def test_shared_area_instead_of_a_house(intake):
    ticket = intake(house=None, shared_area="3栋电梯")
    assert ticket.place == "3栋电梯"


def test_mobile_is_normalised(intake):
    assert intake(contact_mobile="+86 139-1234-5678").contact_mobile == "13912345678"


def test_roles(intake, clerk_a, frontdesk_a, maintenance_a, make_user, estate_a, clerk_b, supervisor_a):
    ticket = intake(by=frontdesk_a)
    steward = make_user(roles.STEWARD, [estate_a], username="steward_a")
    with pytest.raises(PermissionDenied):
        services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=steward)
    with pytest.raises(PermissionDenied):
        services.ticket_close(ticket=ticket, by=frontdesk_a)
    with pytest.raises(PermissionDenied):
        services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_b)  # another estate
    with pytest.raises(PermissionDenied):
        services.ticket_intake(estate=estate_a, kind="repair", house=ticket.house, contact_name="x",
                               contact_mobile="13800138000", description="x", by=maintenance_a)
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    other_maintenance = make_user(roles.MAINTENANCE, [estate_a], username="maint_a2")
    with pytest.raises(PermissionDenied):
        services.ticket_start(ticket=ticket, by=other_maintenance)  # not dispatched to them
    services.ticket_start(ticket=ticket, by=maintenance_a)
    services.ticket_done(ticket=ticket, result="ok", by=maintenance_a)
    with pytest.raises(PermissionDenied):
        services.ticket_return_visit(ticket=ticket, satisfaction=5, owner_confirmed=True, by=maintenance_a)
    complaint = intake(kind="complaint", severity="urgent")
    with pytest.raises(PermissionDenied):
        services.ticket_takeover(ticket=complaint, by=clerk_a)
    services.ticket_takeover(ticket=complaint, by=supervisor_a)


def test_shift_handover_passes_every_unclosed_ticket(intake, clerk_a, make_user, estate_a, supervisor_a):
    evening = make_user(roles.CLERK, [estate_a], username="clerk_evening")
    mine = [intake(), intake(kind="complaint", severity="general")]
    other = intake(handler=supervisor_a)
    handover = services.tickets_hand_over(estate=estate_a, from_user=clerk_a, to_user=evening, note="夜班", by=clerk_a)
    assert set(handover.tickets.all()) == set(mine)
    assert set(Ticket.objects.filter(handler=evening)) == set(mine)
    assert Ticket.objects.get(pk=other.pk).handler == supervisor_a
    assert TicketEvent.objects.filter(action="handover").count() == 2
    with pytest.raises(ValidationError):  # nothing left to hand over
        services.tickets_hand_over(estate=estate_a, from_user=clerk_a, to_user=evening, by=clerk_a)
    with pytest.raises(ValidationError):
        services.tickets_hand_over(estate=estate_a, from_user=evening, to_user=evening, by=clerk_a)
    assert ShiftHandover.objects.count() == 1


def test_handing_over_to_someone_of_another_estate_is_refused(intake, clerk_a, clerk_b, estate_a):
    ticket = intake()
    with pytest.raises(ValidationError):
        services.tickets_hand_over(estate=estate_a, from_user=clerk_a, to_user=clerk_b, by=clerk_a)
    with pytest.raises(ValidationError):
        services.ticket_set_handler(ticket=ticket, handler=clerk_b, by=clerk_a)
    assert Ticket.objects.get(pk=ticket.pk).handler == clerk_a
