"""One answer per household: concurrent first submits leave one response (real threads on
PostgreSQL; on any database, the IntegrityError path a lost race takes)."""

import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connection, connections
from surveys import services
from surveys.models import Answer, Response

THREADS = 8


def _values(survey, rating):
    questions = list(survey.questions.all())
    return {questions[0].pk: rating, questions[1].pk: rating, questions[2].pk: "yes", questions[3].pk: ""}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL")
def test_concurrent_first_submits_leave_one_response(survey, households):
    barrier = threading.Barrier(THREADS)
    errors = []

    def worker(i):
        try:
            barrier.wait(timeout=30)
            services.response_save(survey=survey, household=households[0], values=_values(survey, i % 5 + 1),
                                   channel=Response.Channel.LINK)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert Response.objects.filter(survey=survey, household=households[0]).count() == 1
    response = Response.objects.get()
    # Every submit updated the one response; each question has one answer (the last writer's).
    assert response.answers.count() == 3
    assert len(set(response.answers.exclude(rating=None).values_list("rating", flat=True))) == 1


@pytest.mark.django_db
def test_a_submit_that_loses_the_insert_race_updates_the_winners_row(survey, households):
    # Another submit committed its row after our get_or_create read nothing: our insert is
    # refused by the unique constraint, and our answers go to the winner's row.
    winner = Response.objects.create(survey=survey, household=households[0], channel="phone")
    refused = IntegrityError("surveys_one_response_per_household")
    with mock.patch.object(Response.objects, "get_or_create", side_effect=refused):
        saved = services.response_save(survey=survey, household=households[0], values=_values(survey, 2),
                                       channel=Response.Channel.LINK)
    assert saved.pk == winner.pk
    assert Response.objects.count() == 1 and Answer.objects.filter(response=saved).count() == 3
    saved.refresh_from_db()
    assert saved.channel == Response.Channel.LINK


@pytest.mark.django_db
def test_the_database_refuses_a_second_response(survey, households):
    Response.objects.create(survey=survey, household=households[0], channel="link")
    with pytest.raises(IntegrityError):
        Response.objects.create(survey=survey, household=households[0], channel="phone")
