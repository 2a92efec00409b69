"""Event sign-up and satisfaction: the happy path and every bad input, through the public form."""

import threading
from datetime import timedelta

import pytest
import time_machine
from bulletin import services
from bulletin.factories import EventPageFactory, EventSignupFactory
from bulletin.models import EventFeedback, EventSignup
from django.db import connection
from django.utils import timezone
from estates.factories import BuildingFactory, HouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def house_a2(estate_a):
    return HouseFactory(building=BuildingFactory(estate=estate_a, name="2栋"), unit="1", room="202", floor=2)


def _form(the_house, **extra):
    return {"name": "张三", "house": the_house.pk, "mobile": "138 0013 8000", "people": 2, "website": "", **extra}


def _url(event, what="signup"):
    return f"/bulletin/events/{event.pk}/{what}/"


def test_owner_signs_up(client, event_a, house_a):
    page = client.get(_url(event_a))
    assert page.status_code == 200 and "1栋-1单元-101" in page.content.decode()
    response = client.post(_url(event_a), _form(house_a))
    assert response.status_code == 200
    signup = EventSignup.objects.get(event=event_a)
    assert signup.mobile == "13800138000" and signup.people == 2 and signup.house == house_a
    assert "张三" in response.content.decode()


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "errorlist"),
    ("name", "x" * 51, "errorlist"),
    ("mobile", "12345", "11"),
    ("mobile", "", "errorlist"),
    ("people", "0", "callout error"),
    ("people", "abc", "errorlist"),
    ("house", "", "errorlist"),
    ("house", "999999", "errorlist"),
])
def test_bad_fields_are_refused_with_a_message(client, event_a, house_a, field, value, message):
    response = client.post(_url(event_a), _form(house_a, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EventSignup.objects.exists()


def test_too_many_people_in_one_sign_up(client, event_a, house_a):
    response = client.post(_url(event_a), _form(house_a, people=event_a.max_people_per_signup + 1))
    assert response.status_code == 400 and not EventSignup.objects.exists()


def test_house_of_another_estate_is_refused(client, event_a, house_b):
    response = client.post(_url(event_a), _form(house_b))
    assert response.status_code == 400 and not EventSignup.objects.exists()


def test_same_mobile_cannot_sign_up_twice_whatever_the_spelling(client, event_a, house_a, house_a2):
    assert client.post(_url(event_a), _form(house_a, mobile="13800138000")).status_code == 200
    response = client.post(_url(event_a), _form(house_a2, mobile="+86 138-0013-8000", name="李四"))
    assert response.status_code == 409
    assert EventSignup.objects.count() == 1


def test_capacity_holds(client, event_a, house_a):
    # capacity 5, at most 4 per sign-up
    assert client.post(_url(event_a), _form(house_a, mobile="13800000001", people=4)).status_code == 200
    response = client.post(_url(event_a), _form(house_a, mobile="13800000002", people=2))
    assert response.status_code == 409 and EventSignup.objects.count() == 1
    assert client.post(_url(event_a), _form(house_a, mobile="13800000003", people=1)).status_code == 200
    response = client.post(_url(event_a), _form(house_a, mobile="13800000004", people=1))
    assert response.status_code == 409
    assert sum(EventSignup.objects.values_list("people", flat=True)) == 5
    assert "full" in response.content.decode() or "已满" in response.content.decode()


def test_form_closes_after_the_deadline(client, event_a, house_a):
    with time_machine.travel(event_a.signup_deadline + timedelta(minutes=1)):
        page = client.get(_url(event_a))
        assert page.status_code == 200 and "<form method=\"post\"" not in page.content.decode()
        response = client.post(_url(event_a), _form(house_a))
        assert response.status_code == 400
    assert not EventSignup.objects.exists()


def test_honeypot_refuses_bots(client, event_a, house_a):
    response = client.post(_url(event_a), _form(house_a, website="http://spam.example"))
    assert response.status_code == 400 and not EventSignup.objects.exists()


def test_rate_limit(client, event_a, house_a, settings):
    settings.PUBLIC_FORM_LIMITS = {**settings.PUBLIC_FORM_LIMITS, "signup": (3, 600)}
    statuses = [client.post(_url(event_a), _form(house_a, mobile=f"1390000000{i}", people=1)).status_code for i in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert EventSignup.objects.count() == 3


def test_unpublished_or_unknown_event_is_404(client, estate_a, home_a):
    draft = EventPageFactory(estate=estate_a, live=False)
    assert client.get(_url(draft)).status_code == 404
    assert client.get("/bulletin/events/999999/signup/").status_code == 404
    assert client.put(_url(draft)).status_code == 405


def test_service_rejects_unpublished_event(event_a, house_a):
    event_a.live = False
    with pytest.raises(services.SignupRejected) as exc:
        services.signup_create(event=event_a, name="张三", house=house_a, mobile="13800138000", people=1)
    assert exc.value.code == "not_live"


# --- Satisfaction --------------------------------------------------------------------------
def test_signed_up_owner_rates_after_the_event(client, event_a, house_a):
    EventSignupFactory(event=event_a, house=house_a, mobile="13800138000")
    with time_machine.travel(event_a.ends_at + timedelta(hours=1)):
        assert "Rate" in client.get(event_a.url, HTTP_COOKIE="django_language=en").content.decode()
        response = client.post(_url(event_a, "feedback"), {"mobile": "138-0013-8000", "score": "5", "comment": "很好", "website": ""})
        assert response.status_code == 200
        assert EventFeedback.objects.get().score == 5
        again = client.post(_url(event_a, "feedback"), {"mobile": "13800138000", "score": "4", "website": ""})
        assert again.status_code == 409 and EventFeedback.objects.count() == 1


def test_rating_before_the_end_is_refused(client, event_a, house_a):
    EventSignupFactory(event=event_a, house=house_a, mobile="13800138000")
    response = client.post(_url(event_a, "feedback"), {"mobile": "13800138000", "score": "5", "website": ""})
    assert response.status_code == 400 and not EventFeedback.objects.exists()


def test_only_those_who_signed_up_can_rate(client, event_a):
    with time_machine.travel(event_a.ends_at + timedelta(hours=1)):
        response = client.post(_url(event_a, "feedback"), {"mobile": "13900000000", "score": "5", "website": ""})
        assert response.status_code == 403 and not EventFeedback.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "x", ""])
def test_score_must_be_one_to_five(client, event_a, house_a, score):
    EventSignupFactory(event=event_a, house=house_a, mobile="13800138000")
    with time_machine.travel(event_a.ends_at + timedelta(hours=1)):
        response = client.post(_url(event_a, "feedback"), {"mobile": "13800138000", "score": score, "website": ""})
        assert response.status_code == 400 and not EventFeedback.objects.exists()


def test_feedback_honeypot(client, event_a, house_a):
    EventSignupFactory(event=event_a, house=house_a, mobile="13800138000")
    with time_machine.travel(event_a.ends_at + timedelta(hours=1)):
        response = client.post(_url(event_a, "feedback"), {"mobile": "13800138000", "score": "5", "website": "x"})
        assert response.status_code == 400 and not EventFeedback.objects.exists()


# --- Concurrency ---------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_capacity_holds_under_concurrent_sign_ups(estate_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")
    from bulletin.factories import home_for

    home_for(estate_a)
    event = EventPageFactory(estate=estate_a, capacity=10, max_people_per_signup=2)
    building = BuildingFactory(estate=estate_a, name="8栋")
    houses = [HouseFactory(building=building, room=f"8{i:02d}") for i in range(12)]
    barrier = threading.Barrier(12)
    outcomes = []

    def attempt(i):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            services.signup_create(
                event=event, name=f"业主{i}", house=houses[i], mobile=f"1350000{i:04d}", people=2,
                now=timezone.now(),
            )
            outcomes.append("ok")
        except services.SignupRejected as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("ok") == 5 and outcomes.count("full") == 7
    assert sum(EventSignup.objects.filter(event=event).values_list("people", flat=True)) == 10
