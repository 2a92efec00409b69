"""The release page offers exactly the steps the services accept, for every (state, role): a
hand-made POST of a step the page does not offer is refused by the same table."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from estates import roles
from lifecycle import services
from lifecycle.factories import ReleaseFactory
from lifecycle.models import Release
from lifecycle.roles import GATE
from lifecycle.workflow import RELEASES

from tests.lifecycle.conftest import OWNER_ID

pytestmark = pytest.mark.django_db
ACTION = re.compile(r'data-action="(\w+)"')
S = Release.Status


class _Undo(Exception):
    pass


CALLS = {
    "send_code": lambda r, u: services.release_send_code(release=r, by=u),
    "confirm": lambda r, u: services.release_confirm(release=r, method="in_person", id_number=OWNER_ID, by=u),
    "override": lambda r, u: services.release_override(release=r, reason="特批", by=u),
    "release": lambda r, u: services.release_issue(release=r, by=u),
    "pass": lambda r, u: services.release_pass(release=r, by=u),
    "cancel": lambda r, u: services.release_cancel(release=r, by=u),
}


def _accepted(release, user) -> set[str]:
    accepted = set()
    for action, call in CALLS.items():
        try:
            with transaction.atomic():
                call(Release.objects.get(pk=release.pk), user)
                raise _Undo
        except _Undo:
            accepted.add(action)
        except (ValidationError, PermissionDenied):
            pass
    return accepted


@pytest.mark.parametrize("state", [S.REQUESTED, S.CONFIRMED, S.RELEASED, S.PASSED, S.CANCELLED])
def test_the_page_offers_what_the_services_accept(state, house_a, owner_on_file, make_user, estate_a, estate_b,
                                                  client_for, frozen):
    release = ReleaseFactory(estate=estate_a, house=house_a, status=state, number="FX-1" if state in (S.RELEASED, S.PASSED) else "")
    people = [make_user(role, [estate_a], username=f"w{i}") for i, role in enumerate(
        [roles.FRONT_DESK, roles.CLERK, roles.STEWARD, roles.SUPERVISOR, roles.SECRETARY, roles.MAINTENANCE, GATE])]
    people.append(make_user(roles.SUPERVISOR, [estate_b], username="w_other"))
    assert set(RELEASES.actions) == set(CALLS)
    for user in people:
        response = client_for(user).get(reverse("lifecycle_release", args=(release.pk,)))
        offered = set(ACTION.findall(response.content.decode())) if response.status_code == 200 else set()
        assert offered == _accepted(release, user), (state, user.groups.first(), offered)
