"""The admin views of the borrowing register, per role, through the test client."""

import datetime

import pytest
from archives.models import Key
from django.urls import reverse
from django.utils import timezone
from estates.models import PersonalDataAccess
from lending import services
from lending.factories import LoanFactory
from lending.models import Loan

pytestmark = pytest.mark.django_db


def item_url(kind, pk):
    return reverse("lending:item", args=[kind, pk])


def action_url(loan, action):
    return reverse("lending:loan_action", args=[loan.pk, action])


def test_clerk_requests_a_key_through_the_form(client_for, clerk_a, key_a):
    response = client_for(clerk_a).post(
        reverse("lending:request", args=["key", key_a.pk]),
        {"borrower_name": "王师傅", "borrower_mobile": "13800138000", "purpose": "检修水管"},
    )
    loan = Loan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("lending:loan", args=[loan.pk])
    assert loan.status == Loan.Status.REQUESTED and loan.requested_by == clerk_a


def test_request_form_shows_translated_errors_and_writes_nothing(client_for, clerk_a, key_a):
    response = client_for(clerk_a).post(
        reverse("lending:request", args=["key", key_a.pk]),
        {"borrower_name": "", "borrower_mobile": "", "purpose": "检修"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "借用人" in response.content.decode()
    assert not Loan.objects.exists()


def test_request_form_due_time_in_the_past(client_for, clerk_a, key_a):
    past = (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(clerk_a).post(
        reverse("lending:request", args=["key", key_a.pk]),
        {"borrower_name": "王师傅", "borrower_mobile": "13800138000", "purpose": "检修", "due_at": past},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["due_at"]
    assert not Loan.objects.exists()


def test_lost_key_cannot_be_lent_from_the_form(client_for, clerk_a, key_a):
    Key.objects.filter(pk=key_a.pk).update(status=Key.Status.LOST)
    response = client_for(clerk_a).post(
        reverse("lending:request", args=["key", key_a.pk]),
        {"borrower_name": "王师傅", "borrower_mobile": "13800138000", "purpose": "检修"},
    )
    assert response.status_code == 400 and not Loan.objects.exists()


def denied(response) -> bool:
    """Wagtail answers a permission denial in the admin with a redirect to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"))


def test_secretary_cannot_open_the_key_request_form(client_for, secretary_a, key_a, document_a):
    client = client_for(secretary_a)
    assert denied(client.get(reverse("lending:request", args=["key", key_a.pk])))
    assert client.get(reverse("lending:request", args=["document", document_a.pk])).status_code == 200


def test_another_estates_item_and_loan_are_404(client_for, clerk_a, key_b, supervisor_b, make_user):
    client = client_for(clerk_a)
    assert client.get(item_url("key", key_b.pk)).status_code == 404
    assert client.get(reverse("lending:request", args=["key", key_b.pk])).status_code == 404
    loan = LoanFactory(key=key_b)
    assert client.get(reverse("lending:loan", args=[loan.pk])).status_code == 404
    assert client.post(action_url(loan, "approve")).status_code == 404
    assert client.get(reverse("lending:board") + f"?estate={key_b.estate_id}").status_code == 404
    assert client.get(item_url("cupboard", key_b.pk)).status_code == 404


def test_supervisor_approves_and_front_desk_hands_out_and_takes_back(
    client_for, request_key, supervisor_a, frontdesk_a, key_a
):
    loan = request_key()
    response = client_for(supervisor_a).post(action_url(loan, "approve"), {})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPROVED

    desk = client_for(frontdesk_a)
    assert desk.post(action_url(loan, "hand_out"), {}).status_code == 302
    key_a.refresh_from_db()
    assert key_a.status == Key.Status.LENT_OUT
    page = desk.get(item_url("key", key_a.pk)).content.decode()
    assert loan.borrower_display in page

    response = desk.post(action_url(loan, "return"), {"return-condition": "完好", "next": item_url("key", key_a.pk)})
    assert response.status_code == 302 and response["Location"] == item_url("key", key_a.pk)
    loan.refresh_from_db()
    key_a.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and loan.return_condition == "完好"
    assert key_a.status == Key.Status.IN_CABINET


def test_front_desk_cannot_approve(client_for, request_key, frontdesk_a):
    loan = request_key()
    assert denied(client_for(frontdesk_a).post(action_url(loan, "approve"), {}))
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REQUESTED


def test_own_request_approval_is_refused_with_a_message(client_for, request_key, supervisor_a):
    loan = request_key(by=supervisor_a)
    client = client_for(supervisor_a)
    page = client.get(reverse("lending:loan", args=[loan.pk]))
    assert 'data-action="approve"' not in page.content.decode()
    response = client.post(action_url(loan, "approve"), {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "自己" in response.content.decode()
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REQUESTED


def test_returning_what_is_not_out_shows_a_message(client_for, approved_loan, frontdesk_a):
    response = client_for(frontdesk_a).post(action_url(approved_loan, "return"), {})
    assert response.status_code == 400
    approved_loan.refresh_from_db()
    assert approved_loan.status == Loan.Status.APPROVED


def test_reject_without_reason_is_refused(client_for, request_key, supervisor_a):
    loan = request_key()
    client = client_for(supervisor_a)
    assert client.post(action_url(loan, "reject"), {"reject-reason": ""}).status_code == 400
    assert client.post(action_url(loan, "reject"), {"reject-reason": "无授权"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REJECTED


def test_report_lost_from_the_item_page(client_for, out_loan, clerk_a, key_a):
    response = client_for(clerk_a).post(action_url(out_loan, "lost"), {"lost-notes": "遗失"})
    assert response.status_code == 302
    key_a.refresh_from_db()
    assert key_a.status == Key.Status.LOST


def test_unknown_action_is_404(client_for, request_key, supervisor_a):
    assert client_for(supervisor_a).post(action_url(request_key(), "explode"), {}).status_code == 404


def test_borrower_mobile_is_masked_for_front_desk_and_logged_for_clerk(client_for, out_loan, frontdesk_a, clerk_a):
    page = client_for(frontdesk_a).get(reverse("lending:loan", args=[out_loan.pk])).content.decode()
    assert "138****8000" in page and "13800138000" not in page
    assert not PersonalDataAccess.objects.exists()
    page = client_for(clerk_a).get(reverse("lending:loan", args=[out_loan.pk])).content.decode()
    assert "13800138000" in page
    assert PersonalDataAccess.objects.filter(user=clerk_a).exists()


def test_board_shows_each_state(client_for, clerk_a, request_key, approved_loan, supervisor_a, frontdesk_a, key_a):
    waiting = request_key(borrower_name="李四")
    services.loan_hand_out(loan=approved_loan, by=frontdesk_a)
    response = client_for(clerk_a).get(reverse("lending:board"))
    assert response.status_code == 200
    assert [loan.pk for loan in response.context["out"]] == [approved_loan.pk]
    assert [loan.pk for loan in response.context["requested"]] == [waiting.pk]


def test_board_marks_overdue(client_for, clerk_a, out_loan):
    Loan.objects.filter(pk=out_loan.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    page = client_for(clerk_a).get(reverse("lending:board")).content.decode()
    assert 'data-overdue="1"' in page


def test_register_listing_filters_and_marks_overdue(client_for, clerk_a, out_loan, request_key, key_b):
    Loan.objects.filter(pk=out_loan.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    other = request_key(borrower_name="李四")
    LoanFactory(key=key_b, borrower_name="外区借用人")
    client = client_for(clerk_a)
    url = reverse("wagtailsnippets_lending_loan:list")
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-overdue="1"' in text and "外区借用人" not in text
    overdue = client.get(url, {"overdue": "true"}).context["object_list"]
    assert [loan.pk for loan in overdue] == [out_loan.pk]
    by_status = client.get(url, {"status": "requested"}).context["object_list"]
    assert [loan.pk for loan in by_status] == [other.pk]
    assert list(client.get(url, {"item_type": "document"}).context["object_list"]) == []
    by_borrower = client.get(url, {"borrower": "李四"}).context["object_list"]
    assert [loan.pk for loan in by_borrower] == [other.pk]


def test_register_listing_queries_do_not_grow_with_rows(client_for, supervisor_a, key_a):
    from archives.factories import KeyFactory
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(supervisor_a)
    url = reverse("wagtailsnippets_lending_loan:list")

    def count(n):
        for _ in range(n):
            LoanFactory(key=KeyFactory(opens_house=key_a.opens_house), estate=key_a.estate)
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    ten = count(10)
    forty = count(30)
    assert forty <= ten + 2


def test_archive_key_listing_has_a_loans_button(client_for, clerk_a, key_a):
    from wagtail import hooks

    buttons = [b for hook in hooks.get_hooks("register_snippet_listing_buttons") for b in hook(key_a, clerk_a, "/")]
    assert any(b.url == item_url("key", key_a.pk) for b in buttons)


def test_item_page_shows_history(client_for, clerk_a, out_loan, key_a):
    response = client_for(clerk_a).get(item_url("key", key_a.pk))
    assert response.status_code == 200
    assert [loan.pk for loan in response.context["loans"]] == [out_loan.pk]
    assert response.context["current"].pk == out_loan.pk


def test_manager_edits_loan_periods_supervisor_cannot(client_for, manager_a, supervisor_a, estate_a):
    url = reverse("wagtailsnippets_lending_lendingsettings:add")
    assert client_for(supervisor_a).get(url).status_code in (302, 403)
    response = client_for(manager_a).post(
        url, {"estate": estate_a.pk, "key_due_time": "17:30", "key_min_hours": "2", "document_days": "5"}
    )
    assert response.status_code == 302
    from lending.models import LendingSettings

    assert LendingSettings.objects.get(estate=estate_a).document_days == 5


def test_item_page_forms_post_what_the_loan_actions_read(client_for, clerk_a, out_loan, key_a):
    page = client_for(clerk_a).get(item_url("key", key_a.pk)).content.decode()
    assert 'name="return-condition"' in page and 'name="lost-notes"' in page


def test_archives_key_and_document_listings_link_to_the_loans(client_for, clerk_a, key_a, document_a):
    client = client_for(clerk_a)
    keys = client.get(reverse("wagtailsnippets_archives_key:list")).content.decode()
    assert item_url("key", key_a.pk) in keys
    documents = client.get(reverse("wagtailsnippets_archives_document:list")).content.decode()
    assert item_url("document", document_a.pk) in documents


@pytest.mark.parametrize(
    ("role", "can_view"),
    [("FRONT_DESK", True), ("CLERK", True), ("SECRETARY", True), ("SUPERVISOR", True),
     ("ESTATE_MANAGER", True), ("STEWARD", False), ("MAINTENANCE", False)],
)
def test_register_board_and_item_page_per_role(client_for, make_user, estate_a, out_loan, key_a, role, can_view):
    from estates import roles

    client = client_for(make_user(getattr(roles, role), [estate_a]))
    for url in (
        reverse("wagtailsnippets_lending_loan:list"),
        reverse("lending:board"),
        item_url("key", key_a.pk),
        reverse("lending:loan", args=[out_loan.pk]),
    ):
        response = client.get(url)
        if can_view:
            assert response.status_code == 200, url
        else:
            assert denied(response), url


def test_loan_page_offers_the_actions_of_the_role(client_for, out_loan, frontdesk_a, secretary_a):
    assert 'data-action="return"' in client_for(frontdesk_a).get(reverse("lending:loan", args=[out_loan.pk])).content.decode()
    assert 'data-action="return"' not in client_for(secretary_a).get(reverse("lending:loan", args=[out_loan.pk])).content.decode()


def test_loans_are_not_created_or_edited_through_generic_snippet_forms(client_for, out_loan, django_user_model):
    admin = django_user_model.objects.create_superuser("root_lending", "root@example.com", "x")
    client = client_for(admin)
    assert client.get(reverse("wagtailsnippets_lending_loan:add")).status_code == 302
    response = client.get(reverse("wagtailsnippets_lending_loan:edit", args=[out_loan.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("lending:loan", args=[out_loan.pk])
    assert client.get(reverse("wagtailsnippets_lending_loan:list")).status_code == 200
