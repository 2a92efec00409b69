"""Demo data through the services, and a factory for every model of the app."""

import pytest
from archives import demo as archives_demo
from archives.models import Key
from django.apps import apps
from estates import demo as estates_demo
from lending import demo, factories
from lending.models import Loan

pytestmark = pytest.mark.django_db


def test_demo_loans_in_every_state_agree_with_the_keys():
    estates = estates_demo.load(houses=40, seed=7)
    archives_demo.load(estates=estates, seed=7)
    demo.load(estates=estates, seed=7)
    statuses = set(Loan.objects.values_list("status", flat=True))
    assert {"requested", "approved", "out", "returned", "rejected"} <= statuses
    for key in Key.objects.filter(loans__isnull=False).distinct():
        out = Loan.objects.filter(key=key, status=Loan.Status.OUT).exists()
        assert (key.status == Key.Status.LENT_OUT) == out


def test_every_model_has_a_factory():
    models = {m for m in apps.get_app_config("lending").get_models() if not m.__name__.startswith("Historical")}
    covered = {
        f._meta.model for f in vars(factories).values()
        if isinstance(f, type) and hasattr(f, "_meta") and getattr(f._meta, "model", None) is not None
    }
    assert models <= covered
    factories.LoanFactory()
    factories.DocumentLoanFactory()
    factories.LendingSettingsFactory()
