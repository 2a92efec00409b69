"""Decoration through the admin pages: the application with its deposit receipt and agreement,
approval with the permit and planned inspections, inspections with photos, violations followed to
a verified rectification (the owner told), acceptance and the deposit's refund; the house status."""

import html
import re
from datetime import date, timedelta

import pytest
from archives.models import Document
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from estates.models import House
from fees.models import Deposit
from lifecycle.models import Decoration, DecorationInspection, DecorationPhoto, DecorationViolation
from notifications.models import Message
from patrol.factories import PNG_1PX

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _act(client, decoration, action, data=None):
    return client.post(reverse("lifecycle_decoration_action", args=(decoration.pk, action)), data or {})


APPLICATION = {
    "owner_name": "王芳", "owner_mobile": "13912345678", "contractor": "安居装饰", "contractor_contact": "刘工",
    "contractor_mobile": "13600136000", "workers": "刘工 木工", "scope": "厨房翻新，卫生间防水重做",
    "controlled_items": ["改动给排水管道"], "start": "2026-11-02", "end": "2026-11-20",
    "deposit_amount": "2000.00", "deposit_method": "cash",
}


@pytest.fixture
def applied(house_a, clerk_a, client_for, frozen):
    House.objects.filter(pk=house_a.pk).update(status=House.Status.VACANT)
    agreement = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client_for(clerk_a).post(reverse("lifecycle_decoration_new"),
                                        {**APPLICATION, "house": house_a.pk, "agreement": agreement})
    assert response.status_code == 302, _text(response)[-3000:]
    return Decoration.objects.get()


def test_the_application_takes_the_deposit_and_files_the_agreement(applied):
    deposit = applied.deposit
    assert deposit.amount == 2000 and deposit.receipt_number.startswith("HYY-")
    assert applied.agreement.category == Document.Category.DECORATION
    assert applied.agreement.file.name
    assert applied.controlled_items == ["改动给排水管道"]
    assert applied.inspection_interval_days == 7


def test_a_forbidden_item_in_the_scope_is_refused(house_a, clerk_a, client_for, frozen):
    response = client_for(clerk_a).post(reverse("lifecycle_decoration_new"),
                                        {**APPLICATION, "house": house_a.pk, "scope": "客厅拆改承重墙"})
    assert response.status_code == 400
    assert "拆改承重墙" in _text(response)
    assert not Decoration.objects.exists() and not Deposit.objects.exists()


def test_only_the_supervisor_approves(applied, clerk_a, client_for):
    assert _act(client_for(clerk_a), applied, "approve").status_code == 403
    applied.refresh_from_db()
    assert applied.status == Decoration.Status.APPLIED


@pytest.fixture
def approved(applied, supervisor_a, client_for):
    response = _act(client_for(supervisor_a), applied, "approve", {"approve-note": "同意"})
    assert response.status_code == 302
    applied.refresh_from_db()
    return applied


def test_approval_issues_the_permit_plans_inspections_and_sets_the_house_decorating(approved, clerk_a, client_for, house_a):
    assert approved.permit_no.startswith("ZX20261102-")
    planned = list(approved.inspections.values_list("planned_on", flat=True))
    assert planned == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 20)]
    house_a.refresh_from_db()
    assert house_a.status == House.Status.DECORATING
    permit = client_for(clerk_a).get(reverse("lifecycle_decoration_permit", args=(approved.pk,)))
    assert permit.status_code == 200 and approved.permit_no in permit.content.decode()


def test_an_inspection_with_a_photo_and_a_bad_photo(approved, clerk_a, client_for):
    client = client_for(clerk_a)
    photo = SimpleUploadedFile("site.png", PNG_1PX, content_type="image/png")
    response = _act(client, approved, "inspect", {"inspect-ok": "ok", "inspect-notes": "现场整洁", "inspect-photos": [photo]})
    assert response.status_code == 302, re.findall(r"class=.lc-error[^>]*>(.*?)</div>", _text(response), re.S)
    inspection = DecorationInspection.objects.get(done_at__isnull=False)
    assert inspection.planned_on == date(2026, 11, 2) and inspection.ok is True
    stored = DecorationPhoto.objects.get()
    assert client.get(reverse("lifecycle_photo", args=(stored.pk,))).status_code == 200
    fake = SimpleUploadedFile("x.png", b"<?php echo 1;", content_type="image/png")
    response = _act(client, approved, "inspect", {"inspect-ok": "ok", "inspect-photos": [fake]})
    assert response.status_code == 400
    assert DecorationInspection.objects.filter(done_at__isnull=False).count() == 1


def test_stop_work_violation_is_followed_to_a_verified_rectification(approved, clerk_a, supervisor_a, client_for, frozen):
    clerk, supervisor = client_for(clerk_a), client_for(supervisor_a)
    response = _act(clerk, approved, "violation", {
        "violation-rule": "拆改承重墙", "violation-action": "stop_work", "violation-description": "客厅墙体开洞"})
    assert response.status_code == 302
    violation = DecorationViolation.objects.get()
    approved.refresh_from_db()
    assert approved.status == Decoration.Status.STOPPED
    message = Message.objects.get(key=f"lifecycle:violation:{violation.pk}")
    assert message.recipient == "13912345678" and "拆改承重墙" in message.body
    # Stopped works can be neither resumed nor accepted while the violation is open.
    assert _act(supervisor, approved, "resume").status_code == 400
    assert _act(clerk, approved, "accept", {"accept-house_status": "occupied"}).status_code == 400

    def step(client, action, data=None):
        return client.post(reverse("lifecycle_violation_action", args=(violation.pk, action)), data or {})

    assert step(clerk, "rectify", {"rectify-rectification": "已恢复墙体"}).status_code == 302
    # The one who recorded the rectification may not verify it.
    response = step(clerk, "verify")
    assert response.status_code == 403
    assert step(supervisor, "verify").status_code == 302
    violation.refresh_from_db()
    assert violation.status == DecorationViolation.Status.VERIFIED
    assert _act(supervisor, approved, "resume").status_code == 302
    approved.refresh_from_db()
    assert approved.status == Decoration.Status.APPROVED


def test_rectify_needs_a_date(approved, clerk_a, client_for):
    response = _act(client_for(clerk_a), approved, "violation", {"violation-rule": "噪音", "violation-action": "rectify"})
    assert response.status_code == 400
    assert not DecorationViolation.objects.exists()


def test_acceptance_then_refund_minus_deductions(approved, clerk_a, supervisor_a, client_for, house_a, frozen):
    frozen.shift(timedelta(days=18))
    assert _act(client_for(clerk_a), approved, "accept", {"accept-house_status": "vacant"}).status_code == 302
    house_a.refresh_from_db()
    assert house_a.status == House.Status.VACANT
    # Deductions over the deposit are refused and nothing is refunded.
    response = _act(client_for(supervisor_a), approved, "settle", {"settle-deductions": "损坏, 2500"})
    assert response.status_code == 400
    approved.deposit.refresh_from_db()
    assert approved.deposit.refunded_at is None
    response = _act(client_for(supervisor_a), approved, "settle",
                    {"settle-deductions": "公共走道墙面损坏修复, 300\n垃圾清运, 100.50"})
    assert response.status_code == 302
    approved.refresh_from_db()
    deposit = approved.deposit
    deposit.refresh_from_db()
    assert approved.status == Decoration.Status.CLOSED
    assert deposit.refunded_amount == pytest.approx(1599.50)
    assert sorted(deposit.deductions.values_list("reason", flat=True)) == ["公共走道墙面损坏修复", "垃圾清运"]


def test_the_page_masks_mobiles_and_other_estates_get_404(approved, clerk_b, client_for, make_user, estate_a):
    from estates import roles

    secretary = make_user(roles.SECRETARY, [estate_a], username="sec_a")
    body = client_for(secretary).get(reverse("lifecycle_decoration", args=(approved.pk,))).content.decode()
    assert "13912345678" not in body and "13600136000" not in body
    assert client_for(clerk_b).get(reverse("lifecycle_decoration", args=(approved.pk,))).status_code == 404
    assert client_for(clerk_b).get(reverse("lifecycle_decoration_permit", args=(approved.pk,))).status_code == 404
