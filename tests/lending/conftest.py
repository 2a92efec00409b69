"""Fixtures of the borrowing register: keys and documents of estate A, staff of every role."""

import pytest
from archives.factories import DocumentFactory, KeyFactory
from estates import roles
from lending import services


@pytest.fixture
def key_a(house_a):
    return KeyFactory(opens_house=house_a, tag="K-A-101")


@pytest.fixture
def key_b(house_b):
    return KeyFactory(opens_house=house_b, tag="K-B-902")


@pytest.fixture
def document_a(estate_a):
    return DocumentFactory(estate=estate_a, title="物业服务合同", reference="HT-2025-001")


@pytest.fixture
def frontdesk_a(make_user, estate_a):
    return make_user(roles.FRONT_DESK, [estate_a], username="frontdesk_a")


@pytest.fixture
def secretary_a(make_user, estate_a):
    return make_user(roles.SECRETARY, [estate_a], username="secretary_a")


@pytest.fixture
def manager_a(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")


@pytest.fixture
def supervisor_b(make_user, estate_b):
    return make_user(roles.SUPERVISOR, [estate_b], username="supervisor_b")


@pytest.fixture
def outside_borrower():
    return {
        "borrower_name": "王师傅",
        "borrower_mobile": "138 0013 8000",
        "borrower_organisation": "安居装修公司",
    }


@pytest.fixture
def request_key(key_a, clerk_a, outside_borrower):
    def _request(item=None, by=None, **kwargs):
        fields = {**outside_borrower, "purpose": "入户检修水管", **kwargs}
        return services.loan_request(item=item or key_a, by=by or clerk_a, **fields)

    return _request


@pytest.fixture
def approved_loan(request_key, supervisor_a):
    return services.loan_approve(loan=request_key(), by=supervisor_a)


@pytest.fixture
def out_loan(approved_loan, frontdesk_a):
    return services.loan_hand_out(loan=approved_loan, by=frontdesk_a)
