"""The fees admin writes rates and arrears contacts through fees.services.

The spies sit on the service the admin's action calls: the tests fail if Wagtail's form saved
the record directly.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from fees import services
from fees.factories import ArrearsCaseFactory
from fees.models import ArrearsCase, FeeRate
from wagtail.actions.registry import action_registry


@pytest.fixture
def spy(monkeypatch):
    def _spy(model, action):
        action_class = action_registry.get_action_class(model, action)
        real = action_class.save_service  # AttributeError: the admin does not use a service
        calls = []

        def wrapper(**kwargs):
            calls.append(kwargs)
            return real(**kwargs)

        monkeypatch.setattr(action_class, "save_service", staticmethod(wrapper))
        return calls

    return _spy


def test_fee_rates_and_arrears_cases_are_written_by_their_services():
    for action in ("create", "edit"):
        assert action_registry.get_action_class(FeeRate, action).save_service is services.fee_rate_save
        assert action_registry.get_action_class(ArrearsCase, action).save_service is services.arrears_contact_save


def test_a_rate_added_in_the_admin_goes_through_the_service(property_fee, supervisor_a, client_for, spy):
    calls = spy(FeeRate, "create")
    response = client_for(supervisor_a).post("/admin/snippets/fees/feerate/add/", {
        "fee_item": property_fee.pk, "amount": "3.10", "valid_from": "2027-01-01", "note": "",
    })
    assert response.status_code == 302
    assert [c["by"] for c in calls] == [supervisor_a]
    assert property_fee.rates.get(valid_from="2027-01-01").amount == Decimal("3.1000")


def test_a_rate_edited_in_the_admin_goes_through_the_service(property_fee, supervisor_a, client_for, spy):
    rate = property_fee.rates.get()
    calls = spy(FeeRate, "edit")
    response = client_for(supervisor_a).post(f"/admin/snippets/fees/feerate/edit/{rate.pk}/", {
        "fee_item": property_fee.pk, "amount": "2.60", "valid_from": "2020-01-01", "note": "调价",
    })
    assert response.status_code == 302 and len(calls) == 1
    rate.refresh_from_db()
    assert rate.amount == Decimal("2.6000")


def test_the_arrears_contact_edit_calls_arrears_contact_update(estate_a, make_house, clerk_a, client_for, spy,
                                                               monkeypatch):
    case = ArrearsCaseFactory(house=make_house(), contact_name="王芳", contact_mobile="13900000001")
    calls = spy(ArrearsCase, "edit")
    updates = []
    real_update = services.arrears.arrears_contact_update
    monkeypatch.setattr(services.arrears, "arrears_contact_update",
                        lambda **kw: updates.append(kw) or real_update(**kw))
    response = client_for(clerk_a).post(f"/admin/snippets/fees/arrearscase/edit/{case.pk}/", {
        "contact_name": "王芳", "contact_mobile": "139 0000 0009", "contact_email": "",
    })
    assert response.status_code == 302
    assert len(calls) == 1
    assert [(u["case"].pk, u["mobile"], u["by"]) for u in updates] == [(case.pk, "13900000009", clerk_a)]


def test_a_clerk_of_another_estate_cannot_change_a_rate_through_the_service(property_fee, clerk_b):
    with pytest.raises(PermissionDenied):
        services.fee_rate_create(fee_item=property_fee, amount="9", valid_from=dt.date(2027, 1, 1), by=clerk_b)
    assert property_fee.rates.count() == 1
