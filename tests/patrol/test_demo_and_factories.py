import factory
import pytest
from django.apps import apps
from estates import demo as estates_demo
from patrol import demo, factories
from patrol.models import Checkpoint, Hazard, PatrolPhoto, PatrolPlan, PatrolRound

pytestmark = pytest.mark.django_db


def test_demo_patrols(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    estates = estates_demo.load(houses=40, seed=7)
    demo.load(estates=estates, seed=7)
    for estate in estates:
        assert Checkpoint.objects.filter(estate=estate).count() == 7
        assert PatrolPlan.objects.filter(estate=estate).count() == 3
        assert PatrolRound.objects.filter(estate=estate).exists()
    statuses = set(PatrolRound.objects.filter(estate__code="HYY").values_list("status", flat=True))
    assert {"done", "missed"} <= statuses
    assert set(Hazard.objects.values_list("status", flat=True)) == {"verified", "assigned"}
    verified = Hazard.objects.get(status="verified")
    assert verified.verified_by != verified.rectified_by


def test_every_model_has_a_factory():
    models = {m for m in apps.get_app_config("patrol").get_models() if not m.__name__.startswith("Historical")}
    found = [f for f in vars(factories).values() if isinstance(f, type) and issubclass(f, factory.Factory)]
    assert models <= {f._meta.model for f in found}
    for factory_class in found:
        if factory_class._meta.model in models:
            assert factory_class().pk
    assert PatrolPhoto.objects.get().file.read().startswith(b"\x89PNG")
