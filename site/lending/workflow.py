"""The loan's state machine, declared once (see estates.workflow).

    requested → approved → out → returned | lost
    requested | approved → rejected (a supervisor) | withdrawn (the person who asked)
    approved → lapsed (not handed out within LENDING_APPROVAL_LAPSE_HOURS; the hourly sweep)

The services of lending.services call ``LOANS.check`` before writing; the loan page offers
``LOANS.allowed`` as its buttons.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from estates.workflow import Guard, Transition, Workflow

from lending.models import Loan

Status = Loan.Status


def handle_permission(loan: Loan) -> str:
    return "lending.handle_key_loan" if loan.key_id else "lending.handle_document_loan"


def request_permission(loan: Loan) -> str:
    return "lending.request_key_loan" if loan.key_id else "lending.request_document_loan"


def lapse_after() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.LENDING_APPROVAL_LAPSE_HOURS)


NOT_OWN_REQUEST = Guard(
    lambda loan, user: user is None or loan.requested_by_id != user.pk,
    _("You cannot approve your own request: another supervisor must approve it."), code="own_request",
)
MAY_HAND_OUT = Guard(
    lambda loan, user: user is None or user.has_perm(handle_permission(loan)),
    _("You may not hand this item out."), code="permission", forbidden=True,
)
OWN_REQUEST = Guard(
    lambda loan, user: user is None or loan.requested_by_id == user.pk,
    _("Only the person who asked for the loan can withdraw the request."), code="not_requester", forbidden=True,
)
APPROVAL_EXPIRED = Guard(
    lambda loan, user: loan.approved_at is not None and loan.approved_at <= timezone.now() - lapse_after(),
    _("The approval has not expired yet."), code="not_expired",
)

LOANS = Workflow("loan", [
    Transition(
        "approve", _("Approve"), (Status.REQUESTED,),
        _("Only a requested loan can be approved; this one is %(status)s."),
        target=Status.APPROVED, permission="lending.approve_loan", guards=(NOT_OWN_REQUEST,),
    ),
    Transition(
        "approve_hand_out", _("Approve and hand out"), (Status.REQUESTED,),
        _("Only a requested loan can be approved; this one is %(status)s."),
        target=Status.OUT, permission="lending.approve_loan", guards=(NOT_OWN_REQUEST, MAY_HAND_OUT),
    ),
    Transition(
        "reject", _("Reject"), (Status.REQUESTED, Status.APPROVED),
        _("Only a loan that is not yet handed out can be rejected; this one is %(status)s."),
        target=Status.REJECTED, permission="lending.approve_loan",
    ),
    Transition(
        "withdraw", _("Withdraw the request"), (Status.REQUESTED, Status.APPROVED),
        _("Only a loan that is not yet handed out can be withdrawn; this one is %(status)s."),
        target=Status.WITHDRAWN, permission=request_permission, guards=(OWN_REQUEST,),
    ),
    Transition(
        "hand_out", _("Hand out"), (Status.APPROVED,), {
            Status.REQUESTED: (_("This loan has not been approved by a supervisor yet."), "not_approved"),
            None: _("Only an approved loan can be handed out; this one is %(status)s."),
        },
        target=Status.OUT, permission=handle_permission,
    ),
    Transition(
        "return", _("Take back"), (Status.OUT,),
        _("This item is not out on this loan (it is %(status)s), so it cannot be returned."),
        target=Status.RETURNED, permission=handle_permission, refusal_code="not_out",
    ),
    Transition(
        "lost", _("Report lost"), (Status.OUT,),
        _("Only an item that is out can be reported lost; this loan is %(status)s."),
        target=Status.LOST, permission=handle_permission, refusal_code="not_out",
    ),
    Transition(
        "lapse", _("Lapse"), (Status.APPROVED,), _("Only an approved loan can lapse; this one is %(status)s."),
        target=Status.LAPSED, guards=(APPROVAL_EXPIRED,), system_only=True,
    ),
])
