import factory
import pytest
from archives import demo as archives_demo
from django.apps import apps
from estates import demo as estates_demo
from lifecycle import demo, factories
from lifecycle.models import Decoration, LifecycleRules, MoveIn, Release

pytestmark = pytest.mark.django_db


def test_demo_procedures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    estates = estates_demo.load(houses=120, seed=7)
    archives_demo.load(estates=estates, seed=7)
    demo.load(estates=estates, seed=7)
    assert LifecycleRules.objects.count() == len(estates)
    assert set(MoveIn.objects.values_list("status", flat=True)) == {"done", "booked"}
    assert all(m.household_id for m in MoveIn.objects.filter(status="done"))
    assert set(Decoration.objects.values_list("status", flat=True)) == {"applied", "approved", "closed"}
    assert {"requested", "confirmed", "released", "passed"} <= set(Release.objects.values_list("status", flat=True))


def test_every_model_has_a_factory():
    models = {m for m in apps.get_app_config("lifecycle").get_models() if not m.__name__.startswith("Historical")}
    found = [f for f in vars(factories).values() if isinstance(f, type) and issubclass(f, factory.Factory)]
    assert models <= {f._meta.model for f in found}
    for factory_class in found:
        if factory_class._meta.model in models:
            assert factory_class().pk
