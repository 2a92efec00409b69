"""The import job page offers exactly the actions its services accept (spreadsheets.job_workflow),
for every state and for the owner, an owner without the import right and another user."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from estates import roles
from spreadsheets import services, undo
from spreadsheets.factories import ImportJobFactory
from spreadsheets.job_workflow import JOBS
from spreadsheets.models import ImportJob

BUTTON = re.compile(r'data-spreadsheet="(confirm|restart|cancel|undo)"')
#: The buttons' markers → the table's actions ("restart" is the "Finish the import" button).
ACTION_OF_BUTTON = {"confirm": "confirm", "restart": "finish", "cancel": "cancel", "undo": "undo"}
Status = ImportJob.Status
LONG_AGO = datetime.timedelta(hours=1)


def _job(state: str, owner) -> ImportJob:
    now = timezone.now()
    fields = {
        "preview": {"status": Status.PREVIEW},
        "preview, nothing new": {"status": Status.PREVIEW, "counts": {"new": 0, "changed": 0, "unchanged": 1, "invalid": 0}},
        "validating": {"status": Status.VALIDATING, "heartbeat_at": now},
        "validating, worker dead": {"status": Status.VALIDATING, "heartbeat_at": now - LONG_AGO},
        "importing, worker dead": {"status": Status.IMPORTING, "heartbeat_at": now - LONG_AGO, "started_at": now - LONG_AGO},
        "done": {"status": Status.DONE},
        "failed": {"status": Status.FAILED},
        "cancelled": {"status": Status.CANCELLED},
    }[state]
    return ImportJobFactory(user=owner, **fields)


def _accepted(job_pk: int, user) -> set[str]:
    calls = {
        "confirm": lambda job: services.import_job_confirm(job=job, mode="all", by=user),
        "finish": lambda job: services.import_job_restart(job=job, by=user),
        "cancel": lambda job: services.import_job_cancel(job=job, by=user),
        "undo": lambda job: undo.import_job_undo(job=job, by=user),
    }
    accepted = set()
    for action, call in calls.items():
        try:
            with transaction.atomic():
                call(ImportJob.objects.get(pk=job_pk))
                transaction.set_rollback(True)
        except (ValidationError, PermissionDenied):
            continue
        accepted.add(action)
    return accepted


@pytest.mark.parametrize("state", ["preview", "preview, nothing new", "validating", "validating, worker dead",
                                   "importing, worker dead", "done", "failed", "cancelled"])
def test_the_job_page_offers_exactly_what_the_services_accept(state, make_user, estate_a, client_for):
    assert set(JOBS.actions) == {"confirm", "finish", "cancel", "undo"}
    owner = make_user(roles.CLERK, [estate_a], username="owner")
    users = {
        "owner": owner,
        "owner without the import right": make_user(roles.SECRETARY, [estate_a], username="secretary"),
        "another clerk": make_user(roles.CLERK, [estate_a], username="other"),
    }
    jobs = {name: _job(state, user if name != "another clerk" else owner) for name, user in users.items()}
    for name, user in users.items():
        job = jobs[name]
        response = client_for(user).get(reverse("spreadsheets:job", args=[job.pk]))
        offered = {ACTION_OF_BUTTON[b] for b in BUTTON.findall(response.content.decode())} if response.status_code == 200 else set()
        accepted = _accepted(job.pk, user)
        assert offered == accepted == set(JOBS.allowed(job, user)), (state, name, offered, accepted)
        if name == "another clerk":
            assert accepted == set()
        if name == "owner" and state == "preview":
            assert accepted == {"confirm", "cancel"}
        if name == "owner" and state.endswith("worker dead"):
            assert accepted == {"finish", "cancel"}


def test_restart_needs_the_import_right(make_user, estate_a, client_for):
    secretary = make_user(roles.SECRETARY, [estate_a], username="secretary")
    job = _job("importing, worker dead", secretary)
    response = client_for(secretary).post(reverse("spreadsheets:job_restart", args=[job.pk]))
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == Status.IMPORTING
