"""The fee desk's models, by sub-domain: fee items, rates and meter readings (``rates``), fee runs
and bills (``billing``), payments and receipts (``payments``), arrears cases and the chasing ladder
(``arrears``), invoice requests (``invoices``), printed letters (``letters``) and the watch list
(``watch``). Every model is imported here, so ``fees.models.X`` keeps working for the app, its
migrations and Django's model registry."""

from fees.models.arrears import (
    AUTOMATIC_STEPS,
    MANUAL_STEPS,
    STEP_ORDER,
    ArrearsCase,
    ChasingStep,
    Step,
)
from fees.models.billing import Bill, FeeRun
from fees.models.deposits import Deposit, DepositDeduction
from fees.models.invoices import InvoiceRequest
from fees.models.letters import ArrearsLetter, LetterKind, LetterTemplate, private_storage
from fees.models.payments import Payment, PaymentAllocation, ReceiptCounter
from fees.models.rates import CENT, FeeItem, FeeRate, MeterReading, money, period_label
from fees.models.watch import HouseWatch

__all__ = [
    "AUTOMATIC_STEPS",
    "CENT",
    "MANUAL_STEPS",
    "STEP_ORDER",
    "ArrearsCase",
    "ArrearsLetter",
    "Bill",
    "ChasingStep",
    "Deposit",
    "DepositDeduction",
    "FeeItem",
    "FeeRate",
    "FeeRun",
    "HouseWatch",
    "InvoiceRequest",
    "LetterKind",
    "LetterTemplate",
    "MeterReading",
    "Payment",
    "PaymentAllocation",
    "ReceiptCounter",
    "Step",
    "money",
    "period_label",
    "private_storage",
]
