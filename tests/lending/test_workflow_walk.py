"""The loan page offers exactly the actions the services accept, for every (state, action, role);
the requester withdraws a request; stale approvals lapse (the hourly sweep)."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from estates import roles
from lending import services, tasks
from lending.models import Loan
from lending.workflow import LOANS

ACTION = re.compile(r'data-action="(\w+)"')
Status = Loan.Status


@pytest.fixture
def staff(make_user, estate_a, clerk_a, supervisor_a, frontdesk_a, secretary_a, manager_a, supervisor_b):
    return {
        "requester (clerk)": clerk_a,
        "supervisor": supervisor_a,
        "front desk": frontdesk_a,
        "secretary": secretary_a,
        "manager": manager_a,
        "steward": make_user(roles.STEWARD, [estate_a], username="w_steward"),
        "supervisor of another estate": supervisor_b,
    }


def _loan_in(state: str, item, staff) -> Loan:
    clerk, supervisor, manager = staff["requester (clerk)"], staff["supervisor"], staff["manager"]
    desk = manager  # hands out and takes back keys and paper documents alike
    loan = services.loan_request(item=item, by=clerk, purpose="入户检修", borrower_name="王师傅",
                                 borrower_mobile="13800138000")
    if state == "requested":
        return loan
    if state == "withdrawn":
        return services.loan_withdraw(loan=loan, by=clerk)
    if state == "rejected":
        return services.loan_reject(loan=loan, by=supervisor, reason="不予借出")
    loan = services.loan_approve(loan=loan, by=supervisor)
    if state == "approved":
        return loan
    if state == "lapsed":
        Loan.objects.filter(pk=loan.pk).update(approved_at=timezone.now() - datetime.timedelta(days=30))
        assert services.loans_lapse_approvals() == 1
        return Loan.objects.get(pk=loan.pk)
    loan = services.loan_hand_out(loan=loan, by=desk)
    if state == "out":
        return loan
    if state == "returned":
        return services.loan_return(loan=loan, by=desk)
    if state == "lost":
        return services.loan_report_lost(loan=loan, by=desk)
    raise AssertionError(state)


def _try(action: str, pk: int, user) -> bool:
    loan = Loan.objects.get(pk=pk)
    calls = {
        "approve": lambda: services.loan_approve(loan=loan, by=user),
        "approve_hand_out": lambda: services.loan_approve_and_hand_out(loan=loan, by=user),
        "reject": lambda: services.loan_reject(loan=loan, by=user, reason="不予借出"),
        "withdraw": lambda: services.loan_withdraw(loan=loan, by=user),
        "hand_out": lambda: services.loan_hand_out(loan=loan, by=user),
        "return": lambda: services.loan_return(loan=loan, by=user),
        "lost": lambda: services.loan_report_lost(loan=loan, by=user),
    }
    if action not in calls:
        return False  # "lapse" is the sweep's, never a person's
    try:
        with transaction.atomic():
            calls[action]()
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


def _offered(client, loan: Loan) -> set[str]:
    response = client.get(reverse("lending:loan", args=[loan.pk]))
    if response.status_code != 200:
        return set()
    return set(ACTION.findall(response.content.decode()))


STATES = ["requested", "approved", "out", "returned", "rejected", "withdrawn", "lapsed", "lost"]  # lost: the item is gone


@pytest.mark.parametrize("item_kind", ["key", "document"])
def test_the_page_offers_exactly_what_the_services_accept(item_kind, key_a, document_a, staff, client_for):
    item = key_a if item_kind == "key" else document_a
    clients = {name: client_for(user) for name, user in staff.items()}
    accepted_by = {}
    for state in STATES:
        loan = _loan_in(state, item, staff)
        assert loan.status == state
        for name, user in staff.items():
            offered = _offered(clients[name], loan)
            accepted = {action for action in LOANS.actions if _try(action, loan.pk, user)}
            assert offered == accepted, (state, name, offered, accepted)
            accepted_by[(state, name)] = accepted
        if state in ("out",):  # free the item for the next state's loan
            services.loan_return(loan=loan, by=staff["manager"])
    assert accepted_by[("requested", "requester (clerk)")] == {"withdraw"}
    assert "approve" in accepted_by[("requested", "supervisor")]
    assert "withdraw" in accepted_by[("approved", "requester (clerk)")]
    assert not any("withdraw" in accepted_by[(state, "supervisor")] for state in STATES)  # not theirs
    assert "hand_out" in accepted_by[("approved", "manager")]
    assert accepted_by[("out", "manager")] == {"return", "lost"}
    assert ("hand_out" in accepted_by[("approved", "front desk")]) == (item_kind == "key")  # keys only
    for state in ("returned", "lost", "rejected", "withdrawn", "lapsed"):
        assert not any(accepted_by[(state, name)] for name in staff)
    assert not any(accepted_by[(state, "supervisor of another estate")] for state in STATES)


def test_the_requester_withdraws_a_request_from_the_page(request_key, clerk_a, client_for):
    loan = request_key()
    url = reverse("lending:loan_action", args=[loan.pk, "withdraw"])
    assert client_for(clerk_a).post(url).status_code == 302
    loan.refresh_from_db()
    assert loan.status == Status.WITHDRAWN and loan.withdrawn_at is not None
    assert loan.history.first().history_user == clerk_a


def test_only_the_requester_withdraws(request_key, supervisor_a, frontdesk_a, client_for):
    loan = request_key()
    with pytest.raises(PermissionDenied):
        services.loan_withdraw(loan=loan, by=supervisor_a)
    response = client_for(frontdesk_a).post(reverse("lending:loan_action", args=[loan.pk, "withdraw"]))
    assert response.status_code == 403
    loan.refresh_from_db()
    assert loan.status == Status.REQUESTED


def test_a_handed_out_loan_cannot_be_withdrawn(out_loan, clerk_a, client_for):
    response = client_for(clerk_a).post(reverse("lending:loan_action", args=[out_loan.pk, "withdraw"]))
    assert response.status_code == 400
    out_loan.refresh_from_db()
    assert out_loan.status == Status.OUT


def test_an_approval_not_handed_out_in_time_lapses(approved_loan, settings, frontdesk_a):
    settings.LENDING_APPROVAL_LAPSE_HOURS = 48
    approved_at = approved_loan.approved_at
    with time_machine.travel(approved_at + datetime.timedelta(hours=47), tick=False):
        assert tasks.lapse_stale_approvals.call_local() == 0
    with time_machine.travel(approved_at + datetime.timedelta(hours=49), tick=False):
        assert tasks.lapse_stale_approvals.call_local() == 1
        assert tasks.lapse_stale_approvals.call_local() == 0  # level-triggered: nothing twice
    approved_loan.refresh_from_db()
    assert approved_loan.status == Status.LAPSED and approved_loan.lapsed_at is not None
    with pytest.raises(ValidationError):
        services.loan_hand_out(loan=approved_loan, by=frontdesk_a)


def test_a_handed_out_loan_never_lapses(out_loan, settings):
    settings.LENDING_APPROVAL_LAPSE_HOURS = 1
    with time_machine.travel(out_loan.approved_at + datetime.timedelta(days=10), tick=False):
        assert services.loans_lapse_approvals() == 0
    out_loan.refresh_from_db()
    assert out_loan.status == Status.OUT


def test_nobody_lapses_a_loan_by_hand(approved_loan, supervisor_a):
    assert "lapse" not in LOANS.allowed(approved_loan, supervisor_a)
    with pytest.raises(PermissionDenied):
        LOANS.check("lapse", approved_loan, supervisor_a)
