"""Who may do what with fees (docs/fees.md explains the choices).

- estate manager and service supervisor: everything, including fee items and rates, issuing
  bills, reversing payments and recording the legal steps (lawyer's letter, lawsuit);
- service clerk (fee chasing is their job in DOMAIN.md): records payments, phone calls and door
  visits, imports meter readings, edits the contact on an arrears case; no reversal, no rates;
- steward (door-to-door collection): records payments and door visits;
- front desk (walk-in counter): records payments and sees bills and payments, not the board;
- secretary and maintenance: nothing.
- invoices: whoever takes payments requests them; manager, supervisor and clerk record the
  issued invoice (or cancel); letter templates are edited by the estate manager.
"""

from estates.roles import CLERK, ESTATE_MANAGER, FRONT_DESK, STEWARD, SUPERVISOR

_VIEW_ALL = [
    "fees.view_feeitem", "fees.view_feerate", "fees.view_bill", "fees.view_payment",
    "fees.view_arrearscase", "fees.view_chasingstep", "fees.view_meterreading",
    "fees.view_invoicerequest", "fees.view_arrearsletter", "fees.view_lettertemplate", "fees.view_housewatch",
]
#: Invoices: whoever takes a payment may ask for its invoice; the desk records the issued one.
_INVOICE_REQUEST = ["fees.view_invoicerequest", "fees.add_invoicerequest"]
_INVOICE_DESK = [*_INVOICE_REQUEST, "fees.issue_invoice"]
#: Letter templates are the estate manager's (the company's letterhead and wording).
_LETTER_TEMPLATES = ["fees.add_lettertemplate", "fees.change_lettertemplate", "fees.delete_lettertemplate"]

ROLE_PERMISSIONS = {
    ESTATE_MANAGER: [
        *_VIEW_ALL,
        "fees.add_feeitem", "fees.change_feeitem", "fees.add_feerate", "fees.change_feerate",
        "fees.add_bill", "fees.add_payment", "fees.reverse_payment",
        "fees.change_arrearscase", "fees.add_chasingstep",
        "fees.record_call", "fees.record_visit", "fees.record_legal", "fees.add_meterreading",
        *_INVOICE_DESK, *_LETTER_TEMPLATES,
    ],
    SUPERVISOR: [
        *_VIEW_ALL,
        "fees.add_feeitem", "fees.change_feeitem", "fees.add_feerate", "fees.change_feerate",
        "fees.add_bill", "fees.add_payment", "fees.reverse_payment",
        "fees.change_arrearscase", "fees.add_chasingstep",
        "fees.record_call", "fees.record_visit", "fees.record_legal", "fees.add_meterreading",
        *_INVOICE_DESK,
    ],
    CLERK: [
        *_VIEW_ALL,
        "fees.add_payment", "fees.change_arrearscase", "fees.add_chasingstep",
        "fees.record_call", "fees.record_visit", "fees.add_meterreading",
        *_INVOICE_DESK,
    ],
    STEWARD: [
        "fees.view_bill", "fees.view_payment", "fees.view_arrearscase", "fees.view_chasingstep",
        "fees.add_payment", "fees.add_chasingstep", "fees.record_visit", *_INVOICE_REQUEST,
    ],
    FRONT_DESK: ["fees.view_bill", "fees.view_payment", "fees.add_payment", *_INVOICE_REQUEST],
}
