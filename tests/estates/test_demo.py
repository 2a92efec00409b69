import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from estates import roles
from estates.demo import DEMO_LOGINS
from estates.models import Estate, House

pytestmark = pytest.mark.django_db(transaction=False)


def _counts():
    from django.apps import apps
    from django.conf import settings

    return {
        m._meta.label: m._default_manager.count()
        for app in settings.PROJECT_APPS for m in apps.get_app_config(app).get_models()
    }


def test_load_demo_builds_estates_houses_and_one_login_per_role(capsys):
    call_command("load_demo", houses=60)
    assert set(Estate.objects.values_list("code", flat=True)) == {"HYY", "JHY"}
    assert House.objects.count() == 60
    User = get_user_model()
    for username, role, _ in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.groups.filter(name=role).exists()
        assert user.check_password("demo12345")
    assert {role for _, role, _ in DEMO_LOGINS} == set(roles.ROLES)
    out = capsys.readouterr().out
    assert "clerk" in out and "demo12345" in out


def test_second_run_adds_nothing():
    call_command("load_demo", houses=60)
    before = _counts()
    call_command("load_demo", houses=60)
    assert _counts() == before


def test_same_seed_gives_the_same_houses(estate_a, estate_b):
    import random

    from estates.demo import build_houses

    build_houses(estate=estate_a, count=30, rng=random.Random(7))
    build_houses(estate=estate_b, count=30, rng=random.Random(7))

    def rows(estate):
        return list(
            House.objects.filter(building__estate=estate).order_by("pk")
            .values_list("building__name", "unit", "floor", "room", "area", "status")
        )

    assert len(rows(estate_a)) == 30
    assert rows(estate_a) == rows(estate_b)
