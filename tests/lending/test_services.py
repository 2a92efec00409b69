"""Every rule of the borrowing register, through lending.services."""

import datetime

import pytest
from archives.factories import resident_id
from archives.models import Key
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from lending import selectors, services
from lending.factories import LendingSettingsFactory, LoanFactory
from lending.models import Loan

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- request -----------------------------------------------------------------------------------

def test_request_records_an_outside_borrower_with_a_normalised_mobile(request_key, clerk_a, key_a):
    number = resident_id(7)
    loan = request_key(borrower_id_number=f" {number.lower()} ")
    loan.refresh_from_db()
    assert loan.borrower_id_number == number
    assert loan.status == Loan.Status.REQUESTED
    assert loan.key == key_a and loan.document is None and loan.estate == key_a.estate
    assert loan.borrower_mobile == "13800138000"
    assert loan.requested_by == clerk_a and loan.requested_at is not None
    assert loan.history.count() == 1 and loan.history.first().history_user == clerk_a
    key_a.refresh_from_db()
    assert key_a.status == Key.Status.IN_CABINET  # a request takes nothing out


def test_request_for_a_staff_borrower_needs_no_mobile(key_a, clerk_a, frontdesk_a):
    loan = services.loan_request(item=key_a, by=clerk_a, borrower_user=frontdesk_a, purpose="抄表")
    assert loan.borrower_user == frontdesk_a and loan.borrower_display


def test_request_staff_borrower_from_another_estate_is_refused(key_a, clerk_a, clerk_b):
    with pytest.raises(ValidationError) as excinfo:
        services.loan_request(item=key_a, by=clerk_a, borrower_user=clerk_b, purpose="抄表")
    assert "borrower_user" in excinfo.value.message_dict
    assert not Loan.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"borrower_name": ""}, "borrower_name"),
        ({"borrower_mobile": ""}, "borrower_mobile"),
        ({"borrower_mobile": "12345"}, "borrower_mobile"),
        ({"purpose": "  "}, "purpose"),
        ({"borrower_id_number": "110101198013010010"}, "borrower_id_number"),
    ],
)
def test_request_bad_borrower_or_purpose_changes_nothing(request_key, fields, field):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        request_key(**fields)
    assert field in excinfo.value.message_dict
    assert not Loan.objects.exists()


def test_request_message_is_translated(request_key):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        request_key(borrower_name="")
    assert "借用人" in messages_of(excinfo)


def test_request_with_due_time_in_the_past_is_refused(request_key):
    with pytest.raises(ValidationError) as excinfo:
        request_key(due_at=timezone.now() - datetime.timedelta(minutes=1))
    assert "due_at" in excinfo.value.message_dict
    assert not Loan.objects.exists()


@pytest.mark.parametrize("status", [Key.Status.LOST, Key.Status.RETIRED])
def test_lost_or_retired_key_cannot_be_requested(request_key, key_a, status):
    key_a.status = status
    key_a.save()
    with pytest.raises(ValidationError) as excinfo:
        request_key()
    assert excinfo.value.code in ("key_lost", "key_retired")
    assert not Loan.objects.exists()


def test_secretary_requests_documents_but_not_keys(key_a, document_a, secretary_a, outside_borrower):
    loan = services.loan_request(item=document_a, by=secretary_a, purpose="审计查阅", **outside_borrower)
    assert loan.document == document_a
    with pytest.raises(PermissionDenied):
        services.loan_request(item=key_a, by=secretary_a, purpose="x", **outside_borrower)


def test_front_desk_cannot_request_documents(document_a, frontdesk_a, outside_borrower):
    with pytest.raises(PermissionDenied):
        services.loan_request(item=document_a, by=frontdesk_a, purpose="x", **outside_borrower)


def test_another_estates_item_cannot_be_requested(key_b, clerk_a, outside_borrower):
    with pytest.raises(PermissionDenied):
        services.loan_request(item=key_b, by=clerk_a, purpose="x", **outside_borrower)


# --- approve / reject --------------------------------------------------------------------------

def test_supervisor_approves_a_request(request_key, supervisor_a):
    loan = services.loan_approve(loan=request_key(), by=supervisor_a)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPROVED
    assert loan.approved_by == supervisor_a and loan.approved_at is not None


def test_nobody_approves_their_own_request(request_key, supervisor_a):
    loan = request_key(by=supervisor_a)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        services.loan_approve(loan=loan, by=supervisor_a)
    assert excinfo.value.code == "own_request"
    assert "自己" in messages_of(excinfo)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REQUESTED and loan.approved_by is None


def test_clerk_cannot_approve(request_key, frontdesk_a):
    loan = request_key()
    with pytest.raises(PermissionDenied):
        services.loan_approve(loan=loan, by=frontdesk_a)


def test_supervisor_of_another_estate_cannot_approve(request_key, supervisor_b):
    with pytest.raises(PermissionDenied):
        services.loan_approve(loan=request_key(), by=supervisor_b)


def test_manager_approves_too(request_key, manager_a):
    assert services.loan_approve(loan=request_key(), by=manager_a).status == Loan.Status.APPROVED


def test_approve_twice_is_refused(approved_loan, manager_a):
    with pytest.raises(ValidationError) as excinfo:
        services.loan_approve(loan=approved_loan, by=manager_a)
    assert excinfo.value.code == "wrong_status"


def test_reject_needs_a_reason(request_key, supervisor_a):
    loan = request_key()
    with pytest.raises(ValidationError) as excinfo:
        services.loan_reject(loan=loan, by=supervisor_a, reason=" ")
    assert "reason" in excinfo.value.message_dict
    loan = services.loan_reject(loan=loan, by=supervisor_a, reason="无业主授权")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REJECTED and loan.rejection_reason == "无业主授权"
    assert loan.rejected_by == supervisor_a
    with pytest.raises(ValidationError):
        services.loan_approve(loan=loan, by=supervisor_a)


# --- hand out ----------------------------------------------------------------------------------

def test_hand_out_sets_the_key_status_and_the_default_due_time(approved_loan, frontdesk_a, key_a):
    now = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 30))
    loan = services.loan_hand_out(loan=approved_loan, by=frontdesk_a, now=now)
    loan.refresh_from_db()
    key_a.refresh_from_db()
    assert loan.status == Loan.Status.OUT
    assert loan.handed_out_by == frontdesk_a and loan.handed_out_at == now
    assert timezone.localtime(loan.due_at).replace(tzinfo=None) == datetime.datetime(2026, 11, 23, 18, 0)
    assert key_a.status == Key.Status.LENT_OUT
    assert key_a.history.first().history_user == frontdesk_a


def test_late_key_is_due_after_the_minimum_hours(approved_loan, frontdesk_a, estate_a):
    LendingSettingsFactory(estate=estate_a, key_min_hours=3)
    now = timezone.make_aware(datetime.datetime(2026, 11, 23, 17, 0))
    loan = services.loan_hand_out(loan=approved_loan, by=frontdesk_a, now=now)
    assert loan.due_at == now + datetime.timedelta(hours=3)


def test_document_default_period_is_a_setting(document_a, clerk_a, supervisor_a, estate_a, outside_borrower):
    LendingSettingsFactory(estate=estate_a, document_days=3)
    loan = services.loan_request(item=document_a, by=clerk_a, purpose="查阅", **outside_borrower)
    now = timezone.now()
    loan = services.loan_approve_and_hand_out(loan=loan, by=supervisor_a, now=now)
    assert loan.due_at == now + datetime.timedelta(days=3)
    document_a.refresh_from_db()
    assert document_a.is_out is True


def test_requested_loan_cannot_be_handed_out(request_key, frontdesk_a, key_a):
    loan = request_key()
    with pytest.raises(ValidationError) as excinfo:
        services.loan_hand_out(loan=loan, by=frontdesk_a)
    assert excinfo.value.code == "not_approved"
    key_a.refresh_from_db()
    assert key_a.status == Key.Status.IN_CABINET


def test_hand_out_due_time_in_the_past_is_refused(approved_loan, frontdesk_a, key_a):
    with pytest.raises(ValidationError) as excinfo:
        services.loan_hand_out(loan=approved_loan, by=frontdesk_a, due_at=timezone.now() - datetime.timedelta(hours=1))
    assert "due_at" in excinfo.value.message_dict
    approved_loan.refresh_from_db()
    key_a.refresh_from_db()
    assert approved_loan.status == Loan.Status.APPROVED and key_a.status == Key.Status.IN_CABINET


def test_key_lost_after_approval_cannot_be_handed_out(approved_loan, frontdesk_a, key_a):
    Key.objects.filter(pk=key_a.pk).update(status=Key.Status.LOST)
    with pytest.raises(ValidationError) as excinfo:
        services.loan_hand_out(loan=approved_loan, by=frontdesk_a)
    assert excinfo.value.code == "key_lost"


def test_second_hand_out_is_told_who_holds_the_key(out_loan, request_key, supervisor_a, frontdesk_a):
    second = services.loan_approve(loan=request_key(borrower_name="李师傅"), by=supervisor_a)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        services.loan_hand_out(loan=second, by=frontdesk_a)
    assert excinfo.value.code == "already_out"
    assert out_loan.borrower_display in messages_of(excinfo)
    second.refresh_from_db()
    assert second.status == Loan.Status.APPROVED


def test_database_allows_only_one_open_loan_per_key(out_loan, key_a):
    """Even a write that skips the service cannot put the same key out twice."""
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanFactory(key=key_a, status=Loan.Status.OUT, handed_out_at=timezone.now(), due_at=timezone.now())


def test_database_allows_only_one_open_loan_per_document(document_a):
    LoanFactory(key=None, document=document_a, status=Loan.Status.OUT, handed_out_at=timezone.now(), due_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanFactory(key=None, document=document_a, status=Loan.Status.OUT, handed_out_at=timezone.now(), due_at=timezone.now())


def test_database_wants_exactly_one_item(key_a, document_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanFactory(key=key_a, document=document_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanFactory(key=None, document=None, estate=key_a.estate)


def test_integrity_error_of_a_lost_race_becomes_a_message(approved_loan, frontdesk_a, key_a, monkeypatch):
    """If the row lock were bypassed, the constraint still stops the second holder."""
    LoanFactory(key=key_a, status=Loan.Status.OUT, handed_out_at=timezone.now(),
                due_at=timezone.now() + datetime.timedelta(hours=1), borrower_name="赵先生")
    # The key row still says "in the cabinet": only the constraint can catch this.
    with pytest.raises(ValidationError) as excinfo:
        services.loan_hand_out(loan=approved_loan, by=frontdesk_a)
    assert "赵先生" in messages_of(excinfo)
    approved_loan.refresh_from_db()
    key_a.refresh_from_db()
    assert approved_loan.status == Loan.Status.APPROVED and key_a.status == Key.Status.IN_CABINET


def test_secretary_cannot_hand_out(document_a, secretary_a, supervisor_a, outside_borrower):
    loan = services.loan_request(item=document_a, by=secretary_a, purpose="查阅", **outside_borrower)
    loan = services.loan_approve(loan=loan, by=supervisor_a)
    with pytest.raises(PermissionDenied):
        services.loan_hand_out(loan=loan, by=secretary_a)


def test_supervisor_approves_and_hands_out_in_one_step(request_key, supervisor_a, key_a):
    loan = services.loan_approve_and_hand_out(loan=request_key(), by=supervisor_a)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OUT
    assert loan.approved_by == supervisor_a and loan.handed_out_by == supervisor_a
    assert loan.approved_at and loan.handed_out_at
    assert loan.history.filter(status=Loan.Status.APPROVED).exists()  # both steps are recorded


# --- return / lost -----------------------------------------------------------------------------

def test_return_puts_the_key_back(out_loan, clerk_a, key_a):
    loan = services.loan_return(loan=out_loan, by=clerk_a, condition="完好")
    loan.refresh_from_db()
    key_a.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and loan.received_by == clerk_a
    assert loan.return_condition == "完好" and loan.returned_at is not None
    assert key_a.status == Key.Status.IN_CABINET
    # The key can go out again.
    again = services.loan_approve(loan=services.loan_request(item=key_a, by=clerk_a, purpose="再次检修",
                                                             borrower_name="王师傅", borrower_mobile="13800138000"),
                                  by=out_loan.approved_by)
    assert services.loan_hand_out(loan=again, by=clerk_a).status == Loan.Status.OUT


def test_returning_what_is_not_out_is_refused(approved_loan, clerk_a, key_a):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        services.loan_return(loan=approved_loan, by=clerk_a)
    assert excinfo.value.code == "not_out"
    approved_loan.refresh_from_db()
    assert approved_loan.status == Loan.Status.APPROVED and approved_loan.returned_at is None


def test_returning_twice_is_refused(out_loan, clerk_a):
    services.loan_return(loan=out_loan, by=clerk_a)
    with pytest.raises(ValidationError):
        services.loan_return(loan=out_loan, by=clerk_a)


def test_document_return_clears_is_out(document_a, clerk_a, supervisor_a, outside_borrower):
    loan = services.loan_request(item=document_a, by=clerk_a, purpose="查阅", **outside_borrower)
    loan = services.loan_approve_and_hand_out(loan=loan, by=supervisor_a)
    services.loan_return(loan=loan, by=clerk_a)
    document_a.refresh_from_db()
    assert document_a.is_out is False


def test_report_lost_makes_the_key_lost(out_loan, frontdesk_a, key_a, request_key):
    loan = services.loan_report_lost(loan=out_loan, by=frontdesk_a, notes="借用人遗失")
    loan.refresh_from_db()
    key_a.refresh_from_db()
    assert loan.status == Loan.Status.LOST and loan.lost_reported_by == frontdesk_a
    assert key_a.status == Key.Status.LOST
    with pytest.raises(ValidationError) as excinfo:
        request_key()
    assert excinfo.value.code == "key_lost"


def test_lost_document_cannot_be_lent_again(document_a, clerk_a, supervisor_a, outside_borrower):
    loan = services.loan_request(item=document_a, by=clerk_a, purpose="查阅", **outside_borrower)
    loan = services.loan_approve_and_hand_out(loan=loan, by=supervisor_a)
    services.loan_report_lost(loan=loan, by=clerk_a)
    document_a.refresh_from_db()
    assert document_a.is_out is False
    with pytest.raises(ValidationError) as excinfo:
        services.loan_request(item=document_a, by=clerk_a, purpose="查阅", **outside_borrower)
    assert excinfo.value.code == "document_lost"


def test_report_lost_of_a_loan_not_out_is_refused(approved_loan, frontdesk_a, key_a):
    with pytest.raises(ValidationError):
        services.loan_report_lost(loan=approved_loan, by=frontdesk_a)
    key_a.refresh_from_db()
    assert key_a.status == Key.Status.IN_CABINET


# --- overdue -----------------------------------------------------------------------------------

def test_overdue_is_computed(out_loan):
    assert not selectors.overdue_loans().exists()
    later = out_loan.due_at + datetime.timedelta(minutes=1)
    assert list(selectors.overdue_loans(now=later)) == [out_loan]
    assert selectors.with_overdue(Loan.objects.all(), now=later).get().is_overdue is True
    assert out_loan.is_overdue_at(later)


def test_key_status_agrees_with_the_register(out_loan, key_a, clerk_a):
    key_a.refresh_from_db()
    assert (key_a.status == Key.Status.LENT_OUT) == Loan.objects.filter(key=key_a, status="out").exists()
    services.loan_return(loan=out_loan, by=clerk_a)
    key_a.refresh_from_db()
    assert (key_a.status == Key.Status.LENT_OUT) == Loan.objects.filter(key=key_a, status="out").exists()
