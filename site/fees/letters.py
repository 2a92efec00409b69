"""Printed paperwork of the ladder: the arrears notice (催缴通知书) and the lawyer's letter (律师函).

``letter_issue`` fills the estate's template with the house, its owner, the overdue items,
periods and amounts (in figures and in capitals, 大写), numbers the letter per estate, kind and
year, renders it as a PDF, archives the PDF in private storage and records it as a step of the
ladder, all in one transaction.

The PDF is drawn with ReportLab (installs with pip alone) in the Adobe-GB1 CID font STSong-Light,
which PDF readers provide for Simplified Chinese: nothing to install and every character of a
name prints. (WeasyPrint would need the system's Pango.)
"""

from __future__ import annotations

import datetime as dt
import io
import string
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from estates.models import Estate, House
from estates.scoping import user_can_reach

from fees import ladder, services
from fees.contacts import household_contacts
from fees.models import ArrearsCase, Bill, ChasingStep, Step, money, period_label
from fees.models.letters import ArrearsLetter, LetterKind, LetterTemplate
from fees.selectors import rmb_in_words

PLACEHOLDERS = (
    "owner", "house", "estate", "items", "periods", "amount", "amount_in_words", "months", "number", "date",
    "deadline",
)
#: Who may print each letter: the notice is the clerk's chasing; the lawyer's letter is legal.
PERMISSION = {LetterKind.NOTICE: "fees.record_call", LetterKind.LAWYER_LETTER: "fees.record_legal"}
#: The step of the ladder a printed letter is recorded as.
STEP_OF = {LetterKind.NOTICE: Step.ARREARS_NOTICE, LetterKind.LAWYER_LETTER: Step.LAWYER_LETTER}
NUMBER_PREFIX = {LetterKind.NOTICE: "CJ", LetterKind.LAWYER_LETTER: "LS"}

#: The wording used until the estate's manager writes their own (the rules' words, seed 004).
DEFAULTS = {
    LetterKind.NOTICE: {
        "title": "催缴通知书",
        "body": (
            "{owner}：\n"
            "您好！经核对，您名下的{estate}{house}截至{date}尚欠以下费用：\n{items}\n"
            "欠费期间：{periods}，共{months}个月；合计人民币{amount}元（大写：{amount_in_words}）。\n"
            "请您于{deadline}前到客服中心或通过线上渠道缴清上述费用。如已缴纳，请忽略本通知。\n"
            "感谢您的理解与支持！"
        ),
    },
    LetterKind.LAWYER_LETTER: {
        "title": "律师函",
        "body": (
            "{owner}：\n"
            "受本物业服务企业委托，现就您名下{estate}{house}拖欠物业服务费用一事致函如下：\n"
            "截至{date}，您尚欠以下费用：\n{items}\n"
            "欠费期间：{periods}，已超过三个月；合计人民币{amount}元（大写：{amount_in_words}）。\n"
            "请您于{deadline}前缴清全部欠费。逾期未缴的，我方将依法向人民法院提起诉讼，"
            "由此产生的诉讼费、律师费等一切费用由您承担。\n特此函告。"
        ),
    },
}


def validate_body(body: str) -> None:
    """Only the known ``{placeholders}``: no attribute or index lookups, no stray braces."""
    try:
        fields = [name for _text, name, spec, conv in string.Formatter().parse(body or "") if name is not None]
    except ValueError:
        raise ValidationError(
            {"body": _("Unbalanced braces: write placeholders as {owner}; a brace alone is written {{ or }}.")}
        ) from None
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        raise ValidationError({"body": _("Unknown placeholders: %(names)s. Allowed: %(allowed)s.") % {
            "names": ", ".join("{" + u + "}" for u in unknown),
            "allowed": " ".join("{" + p + "}" for p in PLACEHOLDERS),
        }})


def template_for(*, estate: Estate, kind: str) -> LetterTemplate:
    """The estate's template, or an unsaved one with the default wording."""
    found = LetterTemplate.objects.filter(estate=estate, kind=kind).first()
    if found is not None:
        return found
    return LetterTemplate(
        estate=estate, kind=kind, letterhead=estate.name, title=DEFAULTS[kind]["title"],
        body=DEFAULTS[kind]["body"], signature=f"{estate.name} 客服中心",
    )


def letter_context(*, house: House, today: dt.date, days_to_pay: int) -> dict:
    """What the letter claims: the house's bills past due and unpaid, by fee item."""
    bills = list(
        Bill.objects.filter(house=house, due_date__lt=today, paid__lt=F("amount"))
        .select_related("fee_item").order_by("fee_item__name", "period")
    )
    if not bills:
        raise ValidationError(_("This house owes nothing past due: there is nothing to claim."))
    by_item: dict[str, list[Bill]] = defaultdict(list)
    for bill in bills:
        by_item[bill.fee_item.name].append(bill)
    lines = []
    for name, item_bills in by_item.items():
        owed = sum((b.amount - b.paid for b in item_bills), Decimal("0"))
        periods = f"{period_label(item_bills[0].period)}—{period_label(item_bills[-1].period)}"
        lines.append(f"    {name}：{periods}，{len(item_bills)}期，{money(owed):,.2f}元")
    total = money(sum((b.amount - b.paid for b in bills), Decimal("0")))
    periods = sorted({b.period for b in bills})
    case = ArrearsCase.objects.filter(house=house).first()
    owner = (case.contact_name if case else "") or household_contacts([house.pk]).get(house.pk, ("",))[0]
    return {
        "owner": owner or pgettext("household role", "Owner"),
        "house": house.label,
        "estate": house.building.estate.name,
        "items": "\n".join(lines),
        "periods": f"{period_label(periods[0])}—{period_label(periods[-1])}",
        "amount": f"{total:,.2f}",
        "amount_in_words": rmb_in_words(total),
        "months": str(len(periods)),
        "date": f"{today.year}年{today.month}月{today.day}日",
        "deadline": (lambda d: f"{d.year}年{d.month}月{d.day}日")(today + dt.timedelta(days=days_to_pay)),
        "_total": total,
        "_months": len(periods),
    }


def render_pdf(*, template: LetterTemplate, context: dict, number: str) -> bytes:
    """An A4 letter: letterhead, number, title, body, signature and date."""
    # reportlab is loaded when a letter is printed, not at every start-up.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = template.body.format_map({k: v for k, v in context.items() if not k.startswith("_")} | {"number": number})
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(f"{template.title} {number}")
    width, height = A4
    left, right, y = 25 * mm, width - 25 * mm, height - 25 * mm
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, y, template.letterhead)
    y -= 7 * mm
    if template.letterhead_detail:
        pdf.setFont(font, 9)
        pdf.drawCentredString(width / 2, y, template.letterhead_detail)
        y -= 4 * mm
    pdf.line(left, y, right, y)
    y -= 8 * mm
    pdf.setFont(font, 10)
    pdf.drawRightString(right, y, f"编号：{number}")
    y -= 12 * mm
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, template.title)
    y -= 14 * mm
    pdf.setFont(font, 11.5)
    line_height = 7 * mm
    for paragraph in body.splitlines() or [""]:
        for line in _wrap(paragraph, font=font, size=11.5, width=right - left, measure=pdfmetrics.stringWidth):
            if y < 30 * mm:
                pdf.showPage()
                pdf.setFont(font, 11.5)
                y = height - 25 * mm
            pdf.drawString(left, y, line)
            y -= line_height
    y -= 10 * mm
    pdf.drawRightString(right, y, template.signature or template.letterhead)
    y -= line_height
    pdf.drawRightString(right, y, context["date"])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, *, font: str, size: float, width: float, measure) -> list[str]:
    """Chinese wraps between any two characters; good enough for a letter."""
    lines, current = [], ""
    for char in text:
        if measure(current + char, font, size) > width:
            lines.append(current)
            current = char
        else:
            current += char
    lines.append(current)
    return lines


def letter_issue(*, house: House, kind: str, by, today: dt.date | None = None) -> ArrearsLetter:
    """Print a numbered letter for a house, archive its PDF and record it on the ladder."""
    if kind not in LetterKind.values:
        raise ValidationError(_("Unknown kind of letter."))
    if by is None or not by.has_perm(PERMISSION[kind]) or not user_can_reach(by, house):
        raise PermissionDenied(_("You may not do this in this estate."))
    estate = house.building.estate
    now = timezone.now()
    today = today or timezone.localdate()
    template = template_for(estate=estate, kind=kind)
    context = letter_context(house=house, today=today, days_to_pay=template.days_to_pay)
    if kind == LetterKind.LAWYER_LETTER:
        # "欠费超过3个月": a lawyer's letter claims arrears of more than three months only.
        if context["_months"] <= ladder.LAWYER_LETTER_AFTER_MONTHS:
            raise ValidationError(_("A lawyer's letter is for arrears of more than 3 months; this house owes %(n)s.")
                                  % {"n": context["_months"]})
    with transaction.atomic():
        # The estate row is the lock that makes numbers consecutive; the unique constraint backs it.
        Estate.objects.select_for_update().filter(pk=estate.pk).first()
        seq = (ArrearsLetter.objects.filter(estate=estate, kind=kind, year=today.year).aggregate(m=Max("seq"))["m"] or 0) + 1
        number = f"{estate.code}-{NUMBER_PREFIX[kind]}-{today.year}-{seq:04d}"
        pdf = render_pdf(template=template, context=context, number=number)
        if kind == LetterKind.LAWYER_LETTER:
            step = services.chasing_step_record(
                house=house, step=Step.LAWYER_LETTER, outcome=ChasingStep.Outcome.OTHER,
                note=_("Lawyer's letter %(no)s printed.") % {"no": number}, by=by, done_at=now,
            )
        else:
            step = ChasingStep(
                estate=estate, house=house, step=Step.ARREARS_NOTICE, period=services.month_start(today),
                status=ChasingStep.Status.DONE, outcome=ChasingStep.Outcome.OTHER, channel="letter",
                note=_("Arrears notice %(no)s printed.") % {"no": number}, by=by, done_at=now,
                amount=context["_total"], months=context["_months"], recipient=context["owner"][:254],
            )
            step._history_user, step._change_reason = by, "letter"
            step.save()
            services.arrears_case_refresh(house=house)
        letter = ArrearsLetter(
            estate=estate, house=house, kind=kind, year=today.year, seq=seq, number=number,
            amount=context["_total"], months=context["_months"], owner=context["owner"][:100], step=step,
            created_by=by, created_at=now,
        )
        letter.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
        try:
            letter.save()
        except Exception:
            letter.pdf.delete(save=False)  # no archived file without its record
            raise
    return letter
