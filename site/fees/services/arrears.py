"""Arrears cases and the chasing ladder: sweeps, reminders, manual steps, contacts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import Estate, House
from estates.personal_data import normalize_mobile, validate_mobile
from notifications.models import Message
from notifications.services import Outgoing, notify_many

from fees import bulk, ladder
from fees.contacts import household_contacts
from fees.models import (
    AUTOMATIC_STEPS,
    ArrearsCase,
    Bill,
    ChasingStep,
    FeeRun,
    Step,
    money,
    period_label,
)
from fees.services.common import BATCH, ZERO, _require, _set_history_user, month_start
from fees.workflow import ARREARS

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
    adapters = [(f.attname, bulk.adapter(f)) for f in fields]
    params = []
    for case in cases:
        case.updated_at = now
        params.append([adapt(getattr(case, name)) if adapt else getattr(case, name) for name, adapt in adapters]
                      + [case.pk])
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


def pending_step_ids(*, estate: Estate | None = None, limit: int | None = None) -> list[int]:
    """The recorded automatic steps still to send, oldest first."""
    pending = ChasingStep.objects.filter(status=ChasingStep.Status.PENDING, step__in=AUTOMATIC_STEPS)
    if estate is not None:
        pending = pending.filter(estate=estate)
    ids = pending.order_by("pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


#: Steps per notify_many call (one read of steps, one of keys, one insert, one re-read; the
#: claims and outcomes go by NOTIFICATIONS_CLAIM_BATCH, one statement each per batch).
DELIVERY_BATCH = 500


def steps_deliver(*, estate: Estate | None = None, limit: int | None = None, ids: list[int] | None = None) -> SweepResult:
    """Send the recorded automatic steps that are still pending (all, or those of ``ids``: one
    chunk of ``fees.tasks.deliver_steps``), through notify_many() with each step's key: a step
    whose message was already sent (worker killed before the step was marked, or the chunk run
    twice) is marked from the message and never sent again."""
    result = SweepResult()
    if ids is None:
        ids = pending_step_ids(estate=estate, limit=limit)
    for start in range(0, len(ids), DELIVERY_BATCH):
        # Read as values (no step, estate, house and building objects per message): the
        # templates need only the estate's name and the house's label.
        batch = list(
            ChasingStep.objects.filter(pk__in=ids[start:start + DELIVERY_BATCH], status=ChasingStep.Status.PENDING)
            .order_by("pk").values_list("pk", "recipient", "channel", "step", "message_key", "estate_id", "estate__name",
                                        "house__building__name", "house__unit", "house__room", "amount", "months",
                                        "period")
        )
        statuses = notify_many([
            Outgoing(
                to=normalize_mobile(recipient) if channel == "sms" else recipient,
                template=f"fees_{step}", channel=channel or "sms", key=key, estate=estate_id,
                context={
                    "estate": {"name": estate_name}, "house": {"label": House.label_of(building, unit, room)},
                    "amount": amount, "months": months, "period": period_label(period),
                },
            )
            for (_pk, recipient, channel, step, key, estate_id, estate_name, building, unit, room, amount, months,
                 period) in batch
        ])
        outcome: dict[str, list[int]] = defaultdict(list)
        for row in batch:
            pk, status = row[0], statuses[row[4]]
            if status == Message.Status.SENT:
                outcome[ChasingStep.Status.SENT].append(pk)
                result.sent += 1
            elif status in (Message.Status.FAILED, Message.Status.GIVEN_UP):
                outcome[ChasingStep.Status.FAILED].append(pk)
                result.failed += 1
            # otherwise another worker owns this message: it marks the step
        _steps_mark(outcome)
    return result


def _steps_mark(outcome: dict[str, list[int]]) -> None:
    """Set the steps' status (only those still pending) and write their "~" history rows in bulk."""
    now = timezone.now()
    qn = connection.ops.quote_name
    for status, step_ids in outcome.items():
        with transaction.atomic():
            # Only the steps this run changes get a history row (another worker may have marked some).
            changed = list(ChasingStep.objects.select_for_update().filter(
                pk__in=step_ids, status=ChasingStep.Status.PENDING).values_list("pk", flat=True))
            if not changed:
                continue
            ChasingStep.objects.filter(pk__in=changed).update(status=status)
            bulk.copy_history(
                ChasingStep, where=f"b.{qn('id')} IN ({', '.join(['%s'] * len(changed))})",
                params=changed, reason="delivered", when=now, history_type="~",
            )


def chasing_step_record(
    *, house: House, step: str, outcome: str, note: str = "", by, done_at: dt.datetime | None = None,
) -> ChasingStep:
    """Staff record a manual step (call, visit, lawyer's letter, lawsuit) and what came of it."""
    if step not in ARREARS.actions:
        raise ValidationError({"step": _("Only a phone call, door visit, lawyer's letter or lawsuit is recorded by hand.")})
    ARREARS.check(step, house, by)
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
    mobile = normalize_mobile(mobile) if mobile else ""
    if mobile:
        validate_mobile(mobile)
    with transaction.atomic():
        case.contact_name, case.contact_mobile, case.contact_email = name.strip()[:100], mobile, email.strip()
        case.save(update_fields=["contact_name", "contact_mobile", "contact_email", "updated_at"])
        contact_added(case=case)
    return case


def arrears_contact_save(*, instance: ArrearsCase, by, form=None) -> ArrearsCase:
    """The admin's edit of an arrears case: only its contact is staff's to change (the sweeps
    keep the amounts and steps); a case is never created by hand."""
    if instance._state.adding:
        raise PermissionDenied(_("Arrears cases are opened by the arrears sweep, not by hand."))
    return arrears_contact_update(
        case=instance, name=instance.contact_name, mobile=instance.contact_mobile, email=instance.contact_email, by=by,
    )


def contact_added(*, case: ArrearsCase) -> int:
    """A contact was typed in: this month's reminder that found no contact is sent after all."""
    recipient = case.contact_mobile or case.contact_email
    if not recipient:
        return 0
    return ChasingStep.objects.filter(
        house_id=case.house_id, step=Step.REMINDER, period=month_start(timezone.localdate()),
        status=ChasingStep.Status.NO_CONTACT,
    ).update(status=ChasingStep.Status.PENDING, recipient=recipient, channel="sms" if case.contact_mobile else "email")
