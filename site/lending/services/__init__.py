"""Every write of the borrowing register. Views, tasks and demo data call these; nothing else
changes a loan, a key's status or a document's ``is_out``.

Rules:
- a loan is requested by someone allowed to request that kind of item, for a borrower who is
  either a staff member of the estate or an outside person with a name and a valid mobile;
- a supervisor (``lending.approve_loan``) approves or rejects it, never the person who asked;
- whoever hands items out (``lending.handle_*_loan``) hands it out, takes it back or reports it
  lost; the key's status and the document's ``is_out`` follow in the same transaction;
- one holder at a time: the hand-out locks the item row (``select_for_update``; SQLite takes the
  write lock at BEGIN because the project runs IMMEDIATE transactions), re-reads it, and the
  partial unique constraint of ``Loan`` is the last word: a lost race becomes a ValidationError
  naming the holder, never a 500.
"""

from __future__ import annotations

from lending.services.chasing import (
    loans_chase_overdue,
)
from lending.services.loans import (
    loan_approve,
    loan_approve_and_hand_out,
    loan_hand_out,
    loan_reject,
    loan_report_lost,
    loan_request,
    loan_return,
    loan_withdraw,
    loans_lapse_approvals,
)

__all__ = [
    "loan_request",
    "loan_approve",
    "loan_reject",
    "loan_hand_out",
    "loan_approve_and_hand_out",
    "loan_return",
    "loan_report_lost",
    "loan_withdraw",
    "loans_lapse_approvals",
    "loans_chase_overdue",
]
