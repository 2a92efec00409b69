"""Login throttling on the staff sign-in (django-axes): per login name and per client address,
a Chinese lockout page, a cool-down, and the proxy-aware address."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from estates import roles

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
LOCKED = "密码错误次数过多"


@pytest.fixture
def staff(make_user, estate_a):
    user = make_user(roles.CLERK, [estate_a], username="zhang")
    user.set_password("right-pass-123")
    user.save()
    return user


@pytest.fixture
def other(make_user, estate_a):
    user = make_user(roles.CLERK, [estate_a], username="li")
    user.set_password("other-pass-123")
    user.save()
    return user


def _login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _fail(client, username, times, **extra):
    for _ in range(times):
        response = _login(client, username, "wrong", **extra)
        assert response.status_code in (200, 429)


def test_the_right_password_is_refused_after_too_many_wrong_ones(settings, staff):
    client = Client(REMOTE_ADDR="203.0.113.1")
    _fail(client, "zhang", settings.AXES_FAILURE_LIMIT)
    response = _login(client, "zhang", "right-pass-123")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_fewer_failures_then_the_right_password_signs_in(settings, staff):
    client = Client(REMOTE_ADDR="203.0.113.1")
    _fail(client, "zhang", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "zhang", "right-pass-123").status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_cool_down_expires(settings, staff):
    start = timezone.now()
    cool = settings.AXES_COOLOFF_TIME
    with time_machine.travel(start, tick=False):
        client = Client(REMOTE_ADDR="203.0.113.1")
        _fail(client, "zhang", settings.AXES_FAILURE_LIMIT)
        assert _login(client, "zhang", "right-pass-123").status_code == 429
    with time_machine.travel(start + cool + timedelta(minutes=1), tick=False):
        assert _login(Client(REMOTE_ADDR="203.0.113.1"), "zhang", "right-pass-123").status_code == 302


def test_trying_during_the_cool_down_starts_it_again(settings, staff):
    start = timezone.now()
    cool = settings.AXES_COOLOFF_TIME
    with time_machine.travel(start, tick=False):
        _fail(Client(REMOTE_ADDR="203.0.113.1"), "zhang", settings.AXES_FAILURE_LIMIT)
    retry = start + cool - timedelta(minutes=1)
    with time_machine.travel(retry, tick=False):
        assert _login(Client(REMOTE_ADDR="203.0.113.1"), "zhang", "right-pass-123").status_code == 429
    with time_machine.travel(retry + cool + timedelta(minutes=1), tick=False):
        assert _login(Client(REMOTE_ADDR="203.0.113.1"), "zhang", "right-pass-123").status_code == 302


def test_the_login_name_is_locked_from_every_address(settings, staff):
    _fail(Client(REMOTE_ADDR="203.0.113.1"), "zhang", settings.AXES_FAILURE_LIMIT)
    assert _login(Client(REMOTE_ADDR="198.51.100.9"), "zhang", "right-pass-123").status_code == 429


def test_another_user_from_another_address_is_unaffected(settings, staff, other):
    _fail(Client(REMOTE_ADDR="203.0.113.1"), "zhang", settings.AXES_FAILURE_LIMIT)
    assert _login(Client(REMOTE_ADDR="198.51.100.9"), "li", "other-pass-123").status_code == 302


def test_an_address_guessing_many_names_is_locked(settings, staff, other):
    client = Client(REMOTE_ADDR="203.0.113.1")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{i}", "wrong")
    assert _login(client, "li", "other-pass-123").status_code == 429


def test_behind_the_proxy_the_real_client_is_locked_not_the_load_balancer(settings, staff, other):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    client = Client(REMOTE_ADDR="10.0.0.2")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{i}", "wrong", **attacker)
    # Same load balancer, another owner's address: not locked.
    assert _login(client, "li", "other-pass-123", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 302
    # The attacker cannot escape by forging entries to the left.
    forged = _login(Client(REMOTE_ADDR="10.0.0.2"), "zhang", "right-pass-123",
                    HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.66")
    assert forged.status_code == 429
