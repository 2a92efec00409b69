"""The ticket page offers exactly the steps the services accept, for every (state, action, role).

Each ticket is walked to each of its states through the services; then for every role the page
is read (the step forms it offers) and every step is tried on the service inside a rolled-back
savepoint. The two sets must be equal, so a button can never lead to a refusal and no refused
step can be reached by a hand-made POST.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from estates import roles
from servicedesk import services
from servicedesk.models import Ticket
from servicedesk.workflow import TICKETS

ACTION_ID = re.compile(r'id="action-(\w+)"')
Status = Ticket.Status

#: kind (and severity) → the states it passes through, in order.
PATHS = {
    ("repair", ""): ["new", "dispatched", "in_progress", "done", "visited", "closed"],
    ("complaint", "general"): ["new", "dispatched", "in_progress", "done", "visited", "closed"],
    ("complaint", "major"): ["new", "dispatched", "in_progress", "done", "visited", "closed"],
    ("suggestion", ""): ["new", "in_progress", "done", "closed"],
    ("enquiry", ""): ["new", "in_progress", "done", "closed"],
}


@pytest.fixture
def staff(make_user, estate_a, estate_b, clerk_a, supervisor_a):
    return {
        "front desk": make_user(roles.FRONT_DESK, [estate_a], username="w_frontdesk"),
        "clerk": clerk_a,
        "supervisor": supervisor_a,
        "manager": make_user(roles.ESTATE_MANAGER, [estate_a], username="w_manager"),
        "secretary": make_user(roles.SECRETARY, [estate_a], username="w_secretary"),
        "steward": make_user(roles.STEWARD, [estate_a], username="w_steward"),
        "maintenance (assigned)": make_user(roles.MAINTENANCE, [estate_a], username="w_maint"),
        "maintenance (not assigned)": make_user(roles.MAINTENANCE, [estate_a], username="w_maint2"),
        "supervisor of another estate": make_user(roles.SUPERVISOR, [estate_b], username="w_sup_b"),
    }


def _advance(ticket, to: str, staff) -> Ticket:
    """Move the ticket one step forward to ``to`` with the people who would do it."""
    clerk, worker = staff["clerk"], staff["maintenance (assigned)"]
    if to == "dispatched":
        return services.ticket_dispatch(ticket=ticket, assignee=worker, by=clerk)
    if to == "in_progress":
        return services.ticket_start(ticket=ticket, by=worker if ticket.assignee_id else clerk)
    if to == "done":
        return services.ticket_done(ticket=ticket, result="已处理", adopted=True, by=worker if ticket.assignee_id else clerk)
    if to == "visited":
        services.ticket_return_visit(ticket=ticket, satisfaction=5, owner_confirmed=True, by=clerk)
        return ticket
    if to == "closed":
        return services.ticket_close(ticket=ticket, by=clerk)
    raise AssertionError(to)


def _try(action: str, pk: int, user, staff) -> bool:
    """Does the service accept ``action`` by ``user`` now (with valid input)? Nothing is kept."""
    ticket = Ticket.objects.get(pk=pk)
    other_handler = staff["front desk"] if ticket.handler_id != staff["front desk"].pk else staff["clerk"]
    calls = {
        "dispatch": lambda: services.ticket_dispatch(ticket=ticket, assignee=staff["maintenance (assigned)"], by=user),
        "takeover": lambda: services.ticket_takeover(ticket=ticket, by=user),
        "feedback": lambda: services.ticket_feedback(ticket=ticket, note="已回复", by=user),
        "start": lambda: services.ticket_start(ticket=ticket, by=user),
        "done": lambda: services.ticket_done(ticket=ticket, result="已处理", adopted=True, by=user),
        "return_visit": lambda: services.ticket_return_visit(ticket=ticket, satisfaction=5, owner_confirmed=True, by=user),
        "close": lambda: services.ticket_close(ticket=ticket, by=user),
        "reopen": lambda: services.ticket_reopen(ticket=ticket, reason="业主不满意", by=user),
        "handler": lambda: services.ticket_set_handler(ticket=ticket, handler=other_handler, by=user),
    }
    try:
        with transaction.atomic():
            calls[action]()
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


def _offered(client, pk: int) -> set[str]:
    response = client.get(f"/admin/servicedesk/tickets/{pk}/")
    if response.status_code != 200:
        return set()  # the user cannot open the ticket at all
    return set(ACTION_ID.findall(response.content.decode()))


@pytest.mark.parametrize(("kind", "severity"), list(PATHS))
def test_the_page_offers_exactly_what_the_services_accept(kind, severity, staff, intake, client_for):
    assert set(TICKETS.actions) == {"dispatch", "takeover", "feedback", "start", "done", "return_visit",
                                    "close", "reopen", "handler"}
    clients = {name: client_for(user) for name, user in staff.items()}
    ticket = intake(kind=kind, severity=severity)
    walked = []
    for state in PATHS[(kind, severity)]:
        if state != "new":
            ticket = _advance(ticket, state, staff)
        ticket.refresh_from_db()
        assert ticket.status == state
        for name, user in staff.items():
            offered = _offered(clients[name], ticket.pk)
            accepted = {action for action in TICKETS.actions if _try(action, ticket.pk, user, staff)}
            assert offered == accepted, (state, name, offered, accepted)
            walked.append((state, name, frozenset(accepted)))
    # The walk is not vacuous: someone can act in every state but the last of a closed ticket...
    assert all(any(a for s, _n, a in walked if s == state) for state in PATHS[(kind, severity)])
    # ...and the rules of DOMAIN.md show up in it.
    takeover_by_supervisor = {s for s, n, a in walked if n == "supervisor" and "takeover" in a}
    if (kind, severity) == ("complaint", "major"):
        assert takeover_by_supervisor == {"new", "dispatched", "in_progress"}
    else:
        assert takeover_by_supervisor == set()
    assert not any(a for _s, n, a in walked if n == "supervisor of another estate")


def test_a_supervisor_cannot_take_over_a_general_complaint_by_post(intake, supervisor_a, client_for):
    ticket = intake(kind="complaint", severity="general")
    client = client_for(supervisor_a)
    page = client.get(f"/admin/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert 'id="action-takeover"' not in page
    response = client.post(f"/admin/servicedesk/tickets/{ticket.pk}/takeover/")
    assert response.status_code == 400
    assert "只有重大和紧急投诉才能由主管介入。" in response.content.decode()  # the table's message, translated
    ticket.refresh_from_db()
    assert ticket.handler_id != supervisor_a.pk
    assert not ticket.events.filter(action="takeover").exists()
    with pytest.raises(ValidationError) as excinfo:
        services.ticket_takeover(ticket=ticket, by=supervisor_a)
    assert excinfo.value.code == "not_serious"


def test_a_supervisor_takes_over_a_major_complaint_by_post(intake, supervisor_a, client_for):
    ticket = intake(kind="complaint", severity="major")
    client = client_for(supervisor_a)
    assert 'id="action-takeover"' in client.get(f"/admin/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert client.post(f"/admin/servicedesk/tickets/{ticket.pk}/takeover/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.handler_id == supervisor_a.pk
