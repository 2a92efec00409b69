"""Printed arrears notices (催缴通知书) and lawyer's letters (律师函): filled from the estate's
template, numbered, archived privately as PDF, recorded on the ladder; the PDF's text is checked
with pypdf (house, amount in figures and in capitals)."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from estates import roles
from fees import letters, services
from fees.factories import ArrearsCaseFactory, LetterTemplateFactory
from fees.models import ArrearsCase, ChasingStep, Step
from fees.models.letters import ArrearsLetter
from pypdf import PdfReader

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)


def pdf_text(letter) -> str:
    with letter.pdf.open("rb") as fh:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)


@pytest.fixture
def owing(estate_a, property_fee, make_house):
    """A house owing January to April (4 × ¥250 = ¥1,000.00) on 2026-05-20."""
    house = make_house(area="100.00")
    ArrearsCaseFactory(house=house, amount=0, months=0, contact_name="王芳", contact_mobile="13900000001")
    for m in range(1, 5):
        with time_machine.travel(dt.datetime(2026, m, 1, 2, tzinfo=dt.UTC), tick=False):
            services.bills_issue(estate=estate_a, period=dt.date(2026, m, 1))
    with time_machine.travel(NOW, tick=False):
        services.arrears_sweep(estate=estate_a)
    return house


def test_arrears_notice_through_the_house_page(owing, estate_a, clerk_a, client_for):
    LetterTemplateFactory(estate=estate_a, letterhead="和悦物业服务有限公司")
    client = client_for(clerk_a)
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/admin/fees/house/{owing.pk}/").content.decode()
        assert f"/admin/fees/house/{owing.pk}/letter/notice/" in page
        assert "/letter/lawyer_letter/" not in page  # the clerk has no legal right
        response = client.post(f"/admin/fees/house/{owing.pk}/letter/notice/")
    assert response.status_code == 302
    letter = ArrearsLetter.objects.get()
    assert letter.number == f"{estate_a.code}-CJ-2026-0001"
    text = pdf_text(letter)
    for expected in ("和悦物业服务有限公司", "催缴通知书", owing.label, "王芳", "1,000.00", "壹仟元整", letter.number):
        assert expected in text, expected
    step = ChasingStep.objects.get(step=Step.ARREARS_NOTICE)
    assert letter.step == step and step.by == clerk_a and step.status == "done"
    assert ArrearsCase.objects.get(house=owing).current_step == Step.ARREARS_NOTICE
    # The PDF is downloaded through the scoped view, never from a public URL.
    download = client.get(response["Location"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    with pytest.raises(ValueError):
        letter.pdf.url  # noqa: B018
    # Numbered in sequence.
    with time_machine.travel(NOW, tick=False):
        second = letters.letter_issue(house=owing, kind="notice", by=clerk_a)
    assert second.number.endswith("-2026-0002")


def test_lawyers_letter_is_the_ladder_step(owing, estate_a, supervisor_a, clerk_a, client_for, clerk_b):
    with time_machine.travel(NOW, tick=False):
        response = client_for(supervisor_a).post(f"/admin/fees/house/{owing.pk}/letter/lawyer_letter/")
    assert response.status_code == 302
    letter = ArrearsLetter.objects.get()
    text = pdf_text(letter)
    assert "律师函" in text and owing.label in text and "1,000.00" in text and "壹仟元整" in text
    assert ChasingStep.objects.get(step=Step.LAWYER_LETTER).note.endswith(f"{letter.number}.") or letter.number in ChasingStep.objects.get(step=Step.LAWYER_LETTER).note
    assert letter.step.step == Step.LAWYER_LETTER
    # A clerk may not; another estate's clerk does not find the house or the PDF.
    assert client_for(clerk_a).post(f"/admin/fees/house/{owing.pk}/letter/lawyer_letter/").status_code in (302, 403)
    assert ArrearsLetter.objects.count() == 1
    assert client_for(clerk_b).get(f"/admin/fees/letter/{letter.pk}/pdf/").status_code == 404


def test_nothing_owed_or_too_early_is_a_400(estate_a, property_fee, make_house, supervisor_a, client_for):
    house = make_house()
    with time_machine.travel(NOW, tick=False):
        response = client_for(supervisor_a).post(f"/admin/fees/house/{house.pk}/letter/notice/")
    assert response.status_code == 400 and not ArrearsLetter.objects.exists()
    with time_machine.travel(dt.datetime(2026, 2, 1, 2, tzinfo=dt.UTC), tick=False):
        services.bills_issue(estate=estate_a, period=dt.date(2026, 2, 1))
    with time_machine.travel(NOW, tick=False):
        # One month owed: 超过3个月 is not reached, no lawyer's letter.
        with pytest.raises(ValidationError):
            letters.letter_issue(house=house, kind="lawyer_letter", by=supervisor_a)
    assert not ArrearsLetter.objects.exists() and not ChasingStep.objects.filter(step=Step.LAWYER_LETTER).exists()


def test_template_placeholders_are_checked(estate_a, make_user, client_for):
    manager = make_user(roles.ESTATE_MANAGER, [estate_a])
    response = client_for(manager).post("/admin/snippets/fees/lettertemplate/add/", {
        "estate": estate_a.pk, "kind": "notice", "letterhead": "和悦物业", "title": "催缴通知书",
        "body": "{owner.__class__} 欠 {amount}", "signature": "", "days_to_pay": 15,
    })
    assert response.status_code == 200 and "owner.__class__" in response.content.decode()
    with pytest.raises(ValidationError):
        letters.validate_body("欠费 {amount")
    letters.validate_body("{owner}：{house} 欠 {amount} 元（{amount_in_words}）")
