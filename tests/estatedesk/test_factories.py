"""Every model of the project has a factory_boy factory in its app's factories.py."""

import importlib

import factory
import pytest
from django.apps import apps
from django.conf import settings


def _project_models():
    for app in settings.PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            yield model


def _factories_of(app_label):
    try:
        module = importlib.import_module(f"{app_label}.factories")
    except ModuleNotFoundError:
        return []
    return [
        obj for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, factory.django.DjangoModelFactory) and obj._meta.model is not None
    ]


def _model_of(fac):
    model = fac._meta.get_model_class()
    return model


@pytest.mark.parametrize("model", list(_project_models()), ids=lambda m: m._meta.label)
def test_model_has_a_factory(model):
    covered = {_model_of(f) for f in _factories_of(model._meta.app_label)}
    assert model in covered, f"{model._meta.label} has no factory in {model._meta.app_label}/factories.py"


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(_project_models()), ids=lambda m: m._meta.label)
def test_factory_builds_a_valid_saved_row(model):
    fac = next(f for f in _factories_of(model._meta.app_label) if _model_of(f) is model)
    obj = fac()
    assert obj.pk is not None
    assert model._default_manager.filter(pk=obj.pk).exists()
