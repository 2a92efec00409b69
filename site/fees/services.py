"""Every write of the fees app that has a rule.

Keyword-only, ``<entity>_<action>(*, ..., by)``; ``by`` is the staff member (None when Huey acts).
Bad input raises ``ValidationError`` with a translated message and changes nothing (each service
runs in one transaction); a user without the right permission or estate gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import Estate, House
from estates.personal_data import normalize_mobile
from estates.scoping import user_can_reach
from notifications.models import Message
from notifications.services import notify

from fees import bulk, ladder
from fees.contacts import household_contacts
from fees.models import (
    AUTOMATIC_STEPS,
    ArrearsCase,
    Bill,
    ChasingStep,
    FeeItem,
    FeeRate,
    FeeRun,
    MeterReading,
    Payment,
    PaymentAllocation,
    ReceiptCounter,
    Step,
    money,
    period_label,
)

logger = logging.getLogger(__name__)
BATCH = 2000
ZERO = Decimal("0.00")


# --- helpers --------------------------------------------------------------------------------
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _require(user, permission: str, obj=None) -> None:
    """Staff need the permission and, for a record, its estate; Huey (user None) may do all."""
    if user is None:
        return
    if not user.has_perm(permission) or (obj is not None and not user_can_reach(user, obj)):
        raise PermissionDenied(_("You may not do this in this estate."))


def _as_amount(value, *, field_name: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("¥", "").replace("￥", ""))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field_name: _("Enter an amount in yuan, e.g. 350.00.")}) from None
    if not amount.is_finite():
        raise ValidationError({field_name: _("Enter an amount in yuan, e.g. 350.00.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field_name: _("An amount has at most two decimals (fen).")})
    if amount <= 0:
        raise ValidationError({field_name: _("The amount must be more than zero.")})
    return money(amount)


def _set_history_user(obj, user, reason: str = "") -> None:
    obj._history_user = user
    if reason:
        obj._change_reason = reason


# --- fee items and rates --------------------------------------------------------------------
def fee_rate_validate(*, fee_item: FeeItem, valid_from: dt.date, amount=None, instance: FeeRate | None = None) -> None:
    """A rate may not reach back over bills already issued (old bills keep their rate)."""
    if amount is not None and Decimal(amount) < 0:
        raise ValidationError({"amount": _("A rate cannot be negative.")})
    starts = [valid_from]
    if instance is not None and instance.pk:
        starts.append(instance.valid_from)  # moving or changing a rate touches both dates
    first_month = month_start(min(starts))
    last = Bill.objects.filter(fee_item=fee_item, period__gte=first_month).aggregate(last=Max("period"))["last"]
    if last is not None:
        raise ValidationError({
            "valid_from": _(
                "Bills of %(item)s have already been issued up to %(period)s at the old rate. "
                "A new rate can apply from %(earliest)s at the earliest; issued bills keep their rate."
            ) % {"item": fee_item.name, "period": period_label(last), "earliest": add_months(last, 1).isoformat()}
        })
    clash = FeeRate.objects.filter(fee_item=fee_item, valid_from=valid_from)
    if instance is not None and instance.pk:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"valid_from": _("This fee item already has a rate from that date.")})


@transaction.atomic
def fee_rate_create(*, fee_item: FeeItem, amount, valid_from: dt.date, note: str = "", by) -> FeeRate:
    _require(by, "fees.add_feerate", fee_item)
    amount = Decimal(str(amount))
    fee_rate_validate(fee_item=fee_item, valid_from=valid_from, amount=amount)
    return FeeRate.objects.create(fee_item=fee_item, amount=amount, valid_from=valid_from, note=note)


def fee_standards_text(*, estate: Estate, on: dt.date | None = None) -> str:
    """The fee standards (收费公示) as text, ready to be published as a bulletin notice."""
    on = on or timezone.localdate()
    items = []
    for item in estate.fee_items.filter(active=True).order_by("kind", "name"):
        rate = item.rate_on(on)
        if rate is not None:
            items.append({"item": item, "rate": rate})
    return render_to_string("fees/fee_standards.txt", {"estate": estate, "items": items, "on": on}).strip()


# --- bills ----------------------------------------------------------------------------------
def _quantities(item: FeeItem, period: dt.date, houses: list[tuple]) -> dict[int, Decimal]:
    if item.basis == FeeItem.Basis.METERED:
        return {
            house_id: reading - previous
            for house_id, reading, previous in MeterReading.objects.filter(fee_item=item, period=period)
            .values_list("house_id", "reading", "previous")
        }
    wanted = item.applies_to_use
    if item.basis == FeeItem.Basis.AREA:
        return {hid: area for hid, area, use in houses if not wanted or use == wanted}
    return {hid: Decimal(1) for hid, area, use in houses if not wanted or use == wanted}


def bills_issue(*, estate: Estate, period: dt.date, by=None) -> int:
    """Issue the period's bills of every active fee item. Running it again adds nothing."""
    _require(by, "fees.add_bill", estate)
    period = month_start(period)
    created = 0
    with transaction.atomic():
        run, _ = FeeRun.objects.get_or_create(estate=estate, period=period)
        # Two runs for the same estate and month queue here instead of racing.
        run = FeeRun.objects.select_for_update().get(pk=run.pk)
        houses = list(House.objects.filter(building__estate=estate).values_list("id", "area", "use"))
        for item in FeeItem.objects.filter(estate=estate, active=True):
            if not item.billed_in(period):
                continue
            rate = item.rate_on(period)
            if rate is None:
                logger.warning("fee item %s has no rate for %s: not billed", item.pk, period)
                continue
            existing = set(Bill.objects.filter(fee_item=item, period=period).values_list("house_id", flat=True))
            months = 1 if item.basis == FeeItem.Basis.METERED else item.cycle
            due = period + dt.timedelta(days=item.days_to_pay)
            issued_at = timezone.now()
            bills = []
            for house_id, quantity in _quantities(item, period, houses).items():
                if house_id in existing:
                    continue
                amount = money(rate.amount * quantity * months)
                if amount <= 0:
                    continue
                bills.append({
                    "estate_id": estate.pk, "house_id": house_id, "fee_item_id": item.pk, "period": period,
                    "quantity": quantity, "rate": rate.amount, "months": months, "amount": amount,
                    "paid": ZERO, "due_date": due, "issued_at": issued_at,
                })
            bulk.insert_rows(Bill, bills)
            bulk.copy_history(
                Bill, where="b.fee_item_id = %s AND b.period = %s AND b.issued_at = %s",
                params=[item.pk, connection.ops.adapt_datefield_value(period),
                        connection.ops.adapt_datetimefield_value(issued_at)],
                user=by, reason="issued", when=issued_at,
            )
            created += len(bills)
        run.bills_issued_at = timezone.now()
        run.bills_count += created
        run.save(update_fields=["bills_issued_at", "bills_count"])
    if created:
        credit_apply_estate(estate=estate, by=by)
        notices_record(estate=estate, period=period)
    return created


# --- meter readings -------------------------------------------------------------------------
@dataclass
class ReadingRow:
    line: int
    house: House
    previous: Decimal
    reading: Decimal


@transaction.atomic
def meter_readings_save(*, fee_item: FeeItem, period: dt.date, rows: list[ReadingRow], by) -> int:
    """Store validated readings (all or nothing); a reading already stored is replaced only
    while its period is not billed yet."""
    _require(by, "fees.add_meterreading", fee_item)
    period = month_start(period)
    if fee_item.basis != FeeItem.Basis.METERED:
        raise ValidationError(_("%(item)s is not charged by meter readings.") % {"item": fee_item.name})
    if Bill.objects.filter(fee_item=fee_item, period=period).exists():
        raise ValidationError(
            _("%(item)s has already been billed for %(period)s; its readings can no longer change.")
            % {"item": fee_item.name, "period": period_label(period)}
        )
    MeterReading.objects.filter(fee_item=fee_item, period=period, house__in=[r.house for r in rows]).delete()
    MeterReading.objects.bulk_create([
        MeterReading(house=r.house, fee_item=fee_item, period=period, previous=r.previous, reading=r.reading, imported_by=by)
        for r in rows
    ], batch_size=BATCH)
    return len(rows)


# --- payments -------------------------------------------------------------------------------
def _next_receipt_no(estate: Estate) -> int:
    ReceiptCounter.objects.get_or_create(estate=estate)
    counter = ReceiptCounter.objects.select_for_update().get(estate=estate)
    counter.last_no += 1
    counter.save(update_fields=["last_no"])
    return counter.last_no


def _allocate(*, payment: Payment, bills: list[Bill], amount: Decimal, by) -> Decimal:
    """Settle ``bills`` (locked, in order) from ``amount``; returns what is left."""
    left = amount
    for bill in bills:
        if left <= 0:
            break
        part = min(left, bill.outstanding)
        if part <= 0:
            continue
        allocation, created = PaymentAllocation.objects.get_or_create(
            payment=payment, bill=bill, defaults={"amount": part}
        )
        if not created:
            allocation.amount += part
            allocation.save(update_fields=["amount"])
        bill.paid += part
        _set_history_user(bill, by, _("paid, receipt %(no)s") % {"no": payment.receipt_number})
        bill.save(update_fields=["paid"])
        left -= part
    return left


def payment_record(
    *, house: House, amount, method: str, by, paid_at: dt.datetime | None = None,
    bills: list[Bill] | None = None, keep_rest_as_credit: bool = False,
    payer: str = "", reference: str = "", note: str = "",
) -> Payment:
    """Record money received for a house and settle its bills, oldest first.

    ``bills``: the bills the payer settles (default: every outstanding bill of the house). Paying
    more than they owe is refused unless ``keep_rest_as_credit`` says to keep the rest as a
    prepayment, which settles the house's next bills when they are issued.
    """
    _require(by, "fees.add_payment", house)
    amount = _as_amount(amount)
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Choose how the money was paid.")})
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"paid_at": _("The payment time cannot be in the future.")})
    estate = house.building.estate
    with transaction.atomic():
        if bills is None:
            chosen = Bill.objects.filter(house=house, paid__lt=F("amount"))
        else:
            ids = [b.pk for b in bills]
            foreign = Bill.objects.filter(pk__in=ids).exclude(estate=estate)
            if foreign.exists():
                raise ValidationError({"bills": _("A bill of another estate cannot be paid here; nothing was recorded.")})
            if Bill.objects.filter(pk__in=ids).exclude(house=house).exists():
                raise ValidationError({"bills": _("Only this house's bills can be settled by this payment.")})
            chosen = Bill.objects.filter(pk__in=ids)
        locked = list(chosen.select_for_update().select_related("fee_item").order_by("period", "due_date", "pk"))
        owed = sum((b.outstanding for b in locked), ZERO)
        if bills is not None and any(b.outstanding <= 0 for b in locked):
            raise ValidationError({"bills": _("One of the chosen bills is already paid.")})
        if amount > owed and not keep_rest_as_credit:
            raise ValidationError({"amount": _(
                "The payment (¥%(amount)s) is more than the ¥%(owed)s owed on the chosen bills. "
                "Lower the amount, or tick “keep the rest as credit” to keep ¥%(rest)s for the next bills."
            ) % {"amount": amount, "owed": owed, "rest": amount - owed}})
        receipt_no = _next_receipt_no(estate)
        payment = Payment(
            estate=estate, house=house, receipt_no=receipt_no, amount=amount, method=method,
            paid_at=paid_at, payer=payer.strip()[:100], reference=reference.strip()[:100],
            note=note.strip()[:255], operator=by,
        )
        _set_history_user(payment, by, "recorded")
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError:
            raise ValidationError({"receipt_no": _(
                "Receipt number %(no)s is already used in this estate; nothing was recorded. "
                "Ask an administrator to check the receipt counter."
            ) % {"no": f"{estate.code}-{receipt_no:08d}"}}) from None
        rest = _allocate(payment=payment, bills=locked, amount=amount, by=by)
        if rest > 0:
            payment.credit = rest
            _set_history_user(payment, by, "credit kept")
            payment.save(update_fields=["credit"])
        arrears_case_refresh(house=house)
    return payment


def payment_reverse(*, payment: Payment, reason: str, by) -> Payment:
    """Undo a payment: its bills owe again; the payment stays, marked reversed, with the reason."""
    _require(by, "fees.reverse_payment", payment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("estate").get(pk=payment.pk)
        if payment.reversed_at is not None:
            raise ValidationError(_("This payment has already been reversed."))
        allocations = list(payment.allocations.all())
        bills = {b.pk: b for b in Bill.objects.select_for_update().filter(pk__in=[a.bill_id for a in allocations])}
        for allocation in allocations:
            bill = bills[allocation.bill_id]
            bill.paid -= allocation.amount
            _set_history_user(bill, by, _("payment %(no)s reversed") % {"no": payment.receipt_number})
            bill.save(update_fields=["paid"])
        payment.reversed_at = timezone.now()
        payment.reversed_by = by
        payment.reversal_reason = reason[:255]
        _set_history_user(payment, by, "reversed")
        payment.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        arrears_case_refresh(house=payment.house)
    return payment


def credit_apply(*, house: House, by=None) -> Decimal:
    """Settle a house's outstanding bills from the credit kept on its earlier payments."""
    applied = ZERO
    with transaction.atomic():
        payments = list(
            Payment.objects.select_for_update().select_related("estate")
            .filter(house=house, credit__gt=0, reversed_at__isnull=True).order_by("paid_at", "pk")
        )
        if not payments:
            return applied
        bills = list(Bill.objects.select_for_update().filter(house=house, paid__lt=F("amount")).order_by("period", "due_date", "pk"))
        for payment in payments:
            rest = _allocate(payment=payment, bills=bills, amount=payment.credit, by=by)
            if rest != payment.credit:
                applied += payment.credit - rest
                payment.credit = rest
                _set_history_user(payment, by, "credit applied")
                payment.save(update_fields=["credit"])
        if applied:
            arrears_case_refresh(house=house)
    return applied


def credit_apply_estate(*, estate: Estate, by=None) -> Decimal:
    house_ids = (
        Payment.objects.filter(estate=estate, credit__gt=0, reversed_at__isnull=True)
        .values_list("house_id", flat=True).distinct()
    )
    total = ZERO
    for house in House.objects.filter(pk__in=list(house_ids)).select_related("building__estate"):
        total += credit_apply(house=house, by=by)
    return total


# --- arrears cases and the ladder -----------------------------------------------------------
#: Steps that count as "taken" for the ladder (a pending reminder is being sent right now).
TAKEN = (ChasingStep.Status.SENT, ChasingStep.Status.DONE, ChasingStep.Status.PENDING)
CONTACTED = (ChasingStep.Status.SENT, ChasingStep.Status.DONE)
CASE_FIELDS = [
    "amount", "months", "oldest_due_date", "large_account", "watch_list", "current_step",
    "next_step", "last_contact_at", "opened_at", "contact_name", "contact_mobile", "contact_email",
]


@dataclass
class SweepResult:
    cases_open: int = 0
    cases_created: int = 0
    cases_updated: int = 0
    reminders_recorded: int = 0
    sent: int = 0
    no_contact: int = 0
    failed: int = 0
    extra: dict = field(default_factory=dict)


def _case_values(case: ArrearsCase) -> tuple:
    return tuple(getattr(case, f) for f in CASE_FIELDS)


def _refresh(*, estate: Estate, today: dt.date, now: dt.datetime, house_ids: list[int] | None = None,
             record_reminders: bool) -> SweepResult:
    """Bring the arrears cases of an estate (or of some houses) up to date with bills and
    payments, and record the reminders that are due (before anything is sent)."""
    result = SweepResult()
    period = month_start(today)
    bills = Bill.objects.filter(estate=estate, due_date__lt=today, paid__lt=F("amount"))
    cases_qs = ArrearsCase.objects.filter(estate=estate)
    steps_qs = ChasingStep.objects.filter(estate=estate).exclude(step=Step.NOTICE)
    if house_ids is not None:
        bills = bills.filter(house_id__in=house_ids)
        cases_qs = cases_qs.filter(house_id__in=house_ids)
        steps_qs = steps_qs.filter(house_id__in=house_ids)
    # One aggregate: what each house owes past its due dates, and for how many months.
    rows = {
        r["house_id"]: r for r in bills.values("house_id").annotate(
            total=Sum(F("amount") - F("paid")), month_count=Count("period", distinct=True), oldest=Min("due_date"),
        )
    }
    # Floor areas (large accounts) apart: joining houses into the aggregate makes SQLite slow.
    areas: dict[int, Decimal] = {}
    owing = list(rows)
    for start in range(0, len(owing), 5000):
        areas.update(House.objects.filter(pk__in=owing[start:start + 5000]).values_list("pk", "area"))
    cases = {c.house_id: c for c in cases_qs}
    opened = [c.opened_at for c in cases.values() if c.amount > 0 and c.opened_at]
    cutoff = min([*opened, timezone.make_aware(dt.datetime.combine(period, dt.time.min))])
    steps: dict[int, list[tuple]] = defaultdict(list)
    for s in steps_qs.filter(Q(done_at__gte=cutoff) | Q(period=period)).values_list(
        "house_id", "step", "period", "status", "done_at"
    ):
        steps[s[0]].append(s)
    lacking_contact = [hid for hid in rows if hid not in cases or not (cases[hid].contact_mobile or cases[hid].contact_email)]
    contacts = household_contacts(lacking_contact)

    to_create, to_update, reminders = [], [], []
    for house_id, row in rows.items():
        case = cases.get(house_id)
        if case is None:
            case = ArrearsCase(estate=estate, house_id=house_id)
            before = None
        else:
            before = _case_values(case)
        if not (case.contact_mobile or case.contact_email) and house_id in contacts:
            name, mobile, email = contacts[house_id]
            case.contact_name = case.contact_name or name[:100]
            case.contact_mobile, case.contact_email = mobile[:20], email[:254]
        if not (case.amount > 0 and case.opened_at):
            case.opened_at = now
        case.amount = money(row["total"])
        case.months = row["month_count"]
        case.oldest_due_date = row["oldest"]
        case.large_account = ladder.is_large_account(areas.get(house_id), estate.managed_area)
        case.watch_list = case.months > ladder.WATCH_AFTER_MONTHS
        taken = [s for s in steps.get(house_id, ()) if s[3] in TAKEN and s[4] >= case.opened_at]
        since_opened = {s[1] for s in taken}
        this_period = {s[1] for s in steps.get(house_id, ()) if s[2] == period}
        contacted = [s[4] for s in steps.get(house_id, ()) if s[3] in CONTACTED]
        if contacted:
            case.last_contact_at = max([*contacted, *([case.last_contact_at] if case.last_contact_at else [])])
        if record_reminders and Step.REMINDER not in this_period and Step.LAWSUIT not in since_opened:
            recipient = case.contact_mobile or case.contact_email
            reminders.append({
                "estate_id": estate.pk, "house_id": house_id, "step": Step.REMINDER, "period": period,
                "status": ChasingStep.Status.PENDING if recipient else ChasingStep.Status.NO_CONTACT,
                "channel": ("sms" if case.contact_mobile else "email") if recipient else "",
                "recipient": recipient, "amount": case.amount, "months": case.months, "done_at": now,
                "message_key": f"fees:{house_id}:{Step.REMINDER}:{period:%Y-%m}",
            })
            this_period.add(Step.REMINDER)
            if recipient:
                since_opened.add(Step.REMINDER)
        case.current_step = ladder.current_step(since_opened)
        case.next_step = ladder.next_step(
            months=case.months, large_account=case.large_account, since_opened=since_opened, this_period=this_period,
        )
        if before is None:
            to_create.append(case)
        elif _case_values(case) != before:
            to_update.append(case)
    # Houses that owe nothing past due any more leave the board.
    for house_id, case in cases.items():
        if house_id not in rows and (case.amount or case.months or case.next_step or case.current_step):
            case.amount, case.months, case.oldest_due_date = ZERO, 0, None
            case.watch_list = case.large_account = False
            case.current_step = case.next_step = ""
            case.opened_at = None
            to_update.append(case)
    ArrearsCase.objects.bulk_create(to_create, batch_size=BATCH)
    _update_cases(to_update, now)
    if reminders:
        bulk.insert_rows(ChasingStep, reminders)
        bulk.copy_history(
            ChasingStep, where="b.estate_id = %s AND b.step = %s AND b.period = %s AND b.done_at = %s",
            params=[estate.pk, Step.REMINDER, connection.ops.adapt_datefield_value(period),
                    connection.ops.adapt_datetimefield_value(now)], reason="sweep", when=now,
        )
    result.cases_open = len(rows)
    result.cases_created = len(to_create)
    result.cases_updated = len(to_update)
    result.reminders_recorded = len(reminders)
    result.no_contact = sum(1 for r in reminders if r["status"] == ChasingStep.Status.NO_CONTACT)
    return result


def _update_cases(cases: list[ArrearsCase], now: dt.datetime) -> None:
    """Many cases updated at once, much faster than bulk_update's CASE WHEN for thousands of
    rows: one UPDATE run by executemany on SQLite; COPY + UPDATE … FROM on PostgreSQL."""
    if not cases:
        return
    fields = [ArrearsCase._meta.get_field(name) for name in [*CASE_FIELDS, "updated_at"]]
    table = connection.ops.quote_name(ArrearsCase._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {sets} WHERE {connection.ops.quote_name('id')} = %s"
    params = []
    for case in cases:
        case.updated_at = now
        params.append([f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields] + [case.pk])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(params) >= 200:
            # COPY the new values into a temporary table, then one UPDATE … FROM it: a round
            # trip per row (or a huge VALUES list to plan) is what costs on PostgreSQL.
            qn = connection.ops.quote_name
            columns = [qn(f.column) for f in fields] + [qn("id")]
            cursor.execute("DROP TABLE IF EXISTS fees_case_update")
            cursor.execute(
                f"CREATE TEMP TABLE fees_case_update ON COMMIT DROP AS SELECT {', '.join(columns)} "
                f"FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY fees_case_update ({', '.join(columns)}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            sets = ", ".join(f"{c} = u.{c}" for c in columns[:-1])
            cursor.execute(f"UPDATE {table} SET {sets} FROM fees_case_update u WHERE {table}.{qn('id')} = u.{qn('id')}")
        else:
            for start in range(0, len(params), 5000):
                cursor.executemany(sql, params[start:start + 5000])


def arrears_case_refresh(*, house: House, today: dt.date | None = None) -> ArrearsCase | None:
    """Bring one house's case up to date after a payment or a step (no reminder is recorded)."""
    estate = house.building.estate
    _refresh(
        estate=estate, today=today or timezone.localdate(), now=timezone.now(), house_ids=[house.pk],
        record_reminders=False,
    )
    return ArrearsCase.objects.filter(house=house).first()


def arrears_sweep(*, estate: Estate, today: dt.date | None = None) -> SweepResult:
    """The daily, level-triggered sweep of an estate: refresh every case and record (not yet
    send) the reminders that are due. Idempotent: a second run the same day records nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        run, _ = FeeRun.objects.get_or_create(estate=estate, period=month_start(today))
        FeeRun.objects.select_for_update().get(pk=run.pk)  # one sweep of an estate at a time
        return _refresh(estate=estate, today=today, now=timezone.now(), record_reminders=True)


def notices_record(*, estate: Estate, period: dt.date) -> int:
    """Record the monthly fee notice for every billed house with a contact (sent by deliver)."""
    period = month_start(period)
    totals = dict(
        Bill.objects.filter(estate=estate, period=period).values("house_id").annotate(total=Sum("amount"))
        .values_list("house_id", "total")
    )
    done = set(
        ChasingStep.objects.filter(estate=estate, step=Step.NOTICE, period=period).values_list("house_id", flat=True)
    )
    recipients = {
        hid: (mobile, email)
        for hid, mobile, email in ArrearsCase.objects.filter(estate=estate)
        .exclude(contact_mobile="", contact_email="").values_list("house_id", "contact_mobile", "contact_email")
    }
    for hid, (_name, mobile, email) in household_contacts([h for h in totals if h not in recipients]).items():
        if mobile or email:
            recipients[hid] = (mobile, email)
    now = timezone.now()
    notices = [
        {
            "estate_id": estate.pk, "house_id": hid, "step": Step.NOTICE, "period": period,
            "status": ChasingStep.Status.PENDING, "channel": "sms" if mobile else "email",
            "recipient": mobile or email, "amount": totals[hid], "done_at": now,
            "message_key": f"fees:{hid}:{Step.NOTICE}:{period:%Y-%m}",
        }
        for hid, (mobile, email) in recipients.items()
        if hid in totals and hid not in done
    ]
    with transaction.atomic():
        bulk.insert_rows(ChasingStep, notices)
        bulk.copy_history(
            ChasingStep, where="b.estate_id = %s AND b.step = %s AND b.period = %s AND b.done_at = %s",
            params=[estate.pk, Step.NOTICE, connection.ops.adapt_datefield_value(period),
                    connection.ops.adapt_datetimefield_value(now)], reason="monthly notice",
            when=now,
        )
    return len(notices)


def steps_deliver(*, estate: Estate | None = None, limit: int | None = None) -> SweepResult:
    """Send the recorded automatic steps that are still pending, through notify() with the step's
    key: a step whose message was already sent (worker killed before the step was marked) is
    marked from the message and never sent again."""
    result = SweepResult()
    pending = ChasingStep.objects.filter(status=ChasingStep.Status.PENDING, step__in=AUTOMATIC_STEPS)
    if estate is not None:
        pending = pending.filter(estate=estate)
    ids = list(pending.order_by("pk").values_list("pk", flat=True)[:limit] if limit else pending.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        batch = ChasingStep.objects.filter(pk__in=ids[start:start + 200], status=ChasingStep.Status.PENDING).select_related(
            "estate", "house__building"
        ).order_by("pk")
        for step in batch:
            message = notify(
                to=normalize_mobile(step.recipient) if step.channel == "sms" else step.recipient,
                template=f"fees_{step.step}", channel=step.channel or "sms", key=step.message_key,
                estate=step.estate,
                context={
                    "estate": step.estate, "house": step.house, "amount": step.amount, "months": step.months,
                    "period": period_label(step.period),
                },
            )
            if message.status == Message.Status.SENT:
                step.status = ChasingStep.Status.SENT
                result.sent += 1
            elif message.status in (Message.Status.FAILED, Message.Status.GIVEN_UP):
                step.status = ChasingStep.Status.FAILED
                result.failed += 1
            else:
                continue  # another worker owns this message: it marks the step
            step._change_reason = "delivered"
            step.save(update_fields=["status"])
    return result


MANUAL_STEP_PERMISSION = {
    Step.CALL: "fees.record_call",
    Step.VISIT: "fees.record_visit",
    Step.LAWYER_LETTER: "fees.record_legal",
    Step.LAWSUIT: "fees.record_legal",
}


def chasing_step_record(
    *, house: House, step: str, outcome: str, note: str = "", by, done_at: dt.datetime | None = None,
) -> ChasingStep:
    """Staff record a manual step (call, visit, lawyer's letter, lawsuit) and what came of it."""
    if step not in MANUAL_STEP_PERMISSION:
        raise ValidationError({"step": _("Only a phone call, door visit, lawyer's letter or lawsuit is recorded by hand.")})
    _require(by, MANUAL_STEP_PERMISSION[step], house)
    if outcome not in ChasingStep.Outcome.values or not outcome:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    now = timezone.now()
    done_at = done_at or now
    if done_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"done_at": _("The time of the step cannot be in the future.")})
    estate = house.building.estate
    with transaction.atomic():
        case = ArrearsCase.objects.filter(house=house).first()
        record = ChasingStep(
            estate=estate, house=house, step=step, period=month_start(timezone.localtime(done_at).date()),
            status=ChasingStep.Status.DONE, outcome=outcome, note=note.strip(), by=by, done_at=done_at,
            amount=case.amount if case else ZERO, months=case.months if case else 0,
            channel="visit" if step == Step.VISIT else ("phone" if step == Step.CALL else ""),
            recipient=(case.contact_name if case else "")[:254],
        )
        _set_history_user(record, by, "recorded")
        record.save()
        arrears_case_refresh(house=house)
    return record


def arrears_contact_update(*, case: ArrearsCase, name: str, mobile: str, email: str, by) -> ArrearsCase:
    _require(by, "fees.change_arrearscase", case)
    from estates.personal_data import validate_mobile

    mobile = normalize_mobile(mobile) if mobile else ""
    if mobile:
        validate_mobile(mobile)
    with transaction.atomic():
        case.contact_name, case.contact_mobile, case.contact_email = name.strip()[:100], mobile, email.strip()
        case.save(update_fields=["contact_name", "contact_mobile", "contact_email", "updated_at"])
        contact_added(case=case)
    return case


def contact_added(*, case: ArrearsCase) -> int:
    """A contact was typed in: this month's reminder that found no contact is sent after all."""
    recipient = case.contact_mobile or case.contact_email
    if not recipient:
        return 0
    return ChasingStep.objects.filter(
        house_id=case.house_id, step=Step.REMINDER, period=month_start(timezone.localdate()),
        status=ChasingStep.Status.NO_CONTACT,
    ).update(status=ChasingStep.Status.PENDING, recipient=recipient, channel="sms" if case.contact_mobile else "email")


# --- publishing the fee standards (收费公示) ----------------------------------------------------
def fee_standards_publish(*, estate: Estate, by, on: dt.date | None = None):
    """Publish the estate's current fee standards as a pinned bulletin notice, in one step.

    Publishing is a bulletin right: the user must be allowed to publish under the estate's
    notice index (secretaries and estate managers of that estate).
    """
    from django.utils.html import format_html_join
    from django.utils.text import slugify

    from bulletin.models import Category, NoticePage
    from bulletin.services import bulletin_home_for, notice_index_of

    on = on or timezone.localdate()
    index = notice_index_of(bulletin_home_for(estate=estate))
    if not index.permissions_for_user(by).can_publish_subpage():
        raise PermissionDenied
    if not any(item.rate_on(on) for item in estate.fee_items.filter(active=True)):
        raise ValidationError(_("%(estate)s has no active fee item with a rate: there is nothing to publish.")
                              % {"estate": estate.name})
    title, _sep, rest = fee_standards_text(estate=estate, on=on).partition("\n")
    body = format_html_join("", "<p>{}</p>", ((line.strip(),) for line in rest.splitlines() if line.strip()))
    base_slug = slugify(f"fee-standards-{on:%Y%m%d}")
    slug, n = base_slug, 1
    while index.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base_slug}-{n}"
    with transaction.atomic():
        notice = index.add_child(instance=NoticePage(
            title=title[:255], slug=slug, category=Category.FEES, pinned=True, body=str(body), owner=by,
        ))
        notice.save_revision(user=by).publish(user=by)
    return notice
