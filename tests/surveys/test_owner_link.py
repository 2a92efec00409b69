"""The owner's personal link: answering, changing the answers, expired, reused, tampered and
another household's tokens; the invitations sent once per household."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from surveys import services
from surveys.models import Answer, Response
from surveys.tokens import SALT, make_token

from tests.surveys.conftest import answers_post

pytestmark = pytest.mark.django_db


def _url(survey, household):
    return reverse("surveys_answer", args=[make_token(survey=survey, household=household)])


def test_an_owner_answers_then_changes_the_answers_with_the_same_link(client, survey, households):
    url = _url(survey, households[0])
    page = client.get(url)
    assert page.status_code == 200
    assert "您对维修服务满意吗？" in page.content.decode()
    response = client.post(url, answers_post(survey, ratings=(2, 5), text="电梯经常坏"))
    assert response.status_code == 200 and b"data-thanks" in response.content
    saved = Response.objects.get(survey=survey, household=households[0])
    assert saved.channel == Response.Channel.LINK
    assert sorted(a.rating for a in saved.answers.exclude(rating=None)) == [2, 5]
    # The link used again shows the earlier answers and edits the same response.
    again = client.get(url)
    first_question = survey.questions.first()
    assert b"data-answered" in again.content
    assert again.context["form"].fields[f"q{first_question.pk}"].initial == "2"
    client.post(url, answers_post(survey, ratings=(4, 4)))
    assert Response.objects.filter(survey=survey, household=households[0]).count() == 1
    assert sorted(Answer.objects.filter(response=saved).exclude(rating=None).values_list("rating", flat=True)) == [4, 4]
    # An empty optional text answer removes the earlier one.
    assert not Answer.objects.filter(response=saved, text="电梯经常坏").exists()


def test_an_expired_link_is_refused_and_writes_nothing(client, survey, households):
    url = _url(survey, households[0])
    with time_machine.travel(survey.closes_at + timedelta(minutes=1)):
        assert client.get(url).status_code == 410
        response = client.post(url, answers_post(survey))
        assert response.status_code == 410
        assert "已结束" in response.content.decode() or "closed" in response.content.decode()
    assert not Response.objects.exists()


def test_a_link_older_than_its_max_age_is_expired(client, survey, households):
    url = _url(survey, households[0])
    survey.closes_at = timezone.now() + timedelta(days=800)
    survey.save()
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert client.get(url).status_code == 410


def test_a_tampered_link_or_another_households_forged_one_is_refused(client, survey, households):
    token = make_token(survey=survey, household=households[0])
    # Changing the household inside the token breaks the signature.
    payload, _, rest = token.partition(":")
    forged = signing.dumps({"s": survey.pk, "h": households[1].pk}, salt="another-salt", compress=True)
    for bad in (token[:-2] + "xx", forged, "not-a-token", payload):
        assert client.get(reverse("surveys_answer", args=[bad])).status_code == 400
        assert client.post(reverse("surveys_answer", args=[bad]), answers_post(survey)).status_code == 400
    assert not Response.objects.exists()


def test_a_genuine_token_naming_a_household_of_another_estate_is_refused(client, survey, house_b):
    from archives.factories import HouseholdFactory

    other = HouseholdFactory(house=house_b)
    token = signing.dumps({"s": survey.pk, "h": other.pk}, salt=SALT, compress=True)
    assert client.post(reverse("surveys_answer", args=[token]), answers_post(survey)).status_code == 400
    assert not Response.objects.exists()


def test_each_household_answers_only_for_itself(client, survey, households):
    client.post(_url(survey, households[0]), answers_post(survey, ratings=(5, 5)))
    client.post(_url(survey, households[1]), answers_post(survey, ratings=(1, 1)))
    first = Response.objects.get(household=households[0])
    assert sorted(first.answers.exclude(rating=None).values_list("rating", flat=True)) == [5, 5]
    assert Response.objects.count() == 2


def test_bad_answers_are_a_400_and_nothing_is_written(client, survey, households):
    url = _url(survey, households[0])
    questions = list(survey.questions.all())
    data = answers_post(survey)
    data[f"q{questions[0].pk}"] = "9"
    assert client.post(url, data).status_code == 400
    del data[f"q{questions[0].pk}"]
    assert client.post(url, data).status_code == 400
    assert client.post(url, answers_post(survey, website="http://spam")).status_code == 400
    assert not Response.objects.exists()


def test_the_invitations_are_sent_once_per_household(survey, households, sms_outbox):
    assert services.survey_invite(survey=survey) == 4
    assert services.survey_invite(survey=survey) == 4
    assert len(sms_outbox) == 4  # the message key: a second run sends nothing
    body = str(sms_outbox[0])
    assert "/survey/" in body and survey.title in body


def test_the_invite_button_queues_the_task(client_for, manager, survey, households, sms_outbox):
    response = client_for(manager).post(reverse("surveys_invite", args=[survey.pk]))
    assert response.status_code == 302
    assert len(sms_outbox) == 4
