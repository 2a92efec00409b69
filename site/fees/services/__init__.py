"""Every write of the fees app that has a rule.

Keyword-only, ``<entity>_<action>(*, ..., by)``; ``by`` is the staff member (None when Huey acts).
Bad input raises ``ValidationError`` with a translated message and changes nothing (each service
runs in one transaction); a user without the right permission or estate gets ``PermissionDenied``.
"""

from __future__ import annotations

from fees.services.arrears import (
    CASE_FIELDS,
    CONTACTED,
    TAKEN,
    SweepResult,
    arrears_case_refresh,
    arrears_contact_save,
    arrears_contact_update,
    arrears_sweep,
    chasing_step_record,
    contact_added,
    notices_record,
    pending_step_ids,
    steps_deliver,
)
from fees.services.billing import (
    ReadingRow,
    bills_issue,
    meter_readings_save,
)
from fees.services.common import (
    BATCH,
    ZERO,
    add_months,
    month_start,
)
from fees.services.deposits import Deduction, deposit_receive, deposit_refund
from fees.services.house_bills import house_bills_issue
from fees.services.payments import (
    credit_apply,
    credit_apply_estate,
    payment_record,
    payment_reverse,
)
from fees.services.publishing import (
    fee_standards_publish,
)
from fees.services.rates import (
    fee_rate_create,
    fee_rate_save,
    fee_rate_validate,
    fee_standards_text,
)
from fees.workflow import MANUAL_STEP_PERMISSION

__all__ = [
    "BATCH",
    "ZERO",
    "month_start",
    "add_months",
    "fee_rate_validate",
    "fee_rate_create",
    "fee_rate_save",
    "fee_standards_text",
    "bills_issue",
    "house_bills_issue",
    "Deduction",
    "deposit_receive",
    "deposit_refund",
    "ReadingRow",
    "meter_readings_save",
    "payment_record",
    "payment_reverse",
    "credit_apply",
    "credit_apply_estate",
    "TAKEN",
    "CONTACTED",
    "CASE_FIELDS",
    "SweepResult",
    "arrears_case_refresh",
    "arrears_sweep",
    "notices_record",
    "pending_step_ids",
    "steps_deliver",
    "MANUAL_STEP_PERMISSION",
    "chasing_step_record",
    "arrears_contact_save",
    "arrears_contact_update",
    "contact_added",
    "fee_standards_publish",
]
