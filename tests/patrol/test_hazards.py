"""Hazards: the table's steps through the hazard page, verification by someone else, the repair
ticket, escalation when late."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from estates import roles
from estates.models import StaffMembership
from estates.workflow import ActionForbidden, ActionRefused
from patrol import hazards, tasks
from patrol.models import Hazard, HazardEscalation
from patrol.workflow import HAZARDS
from servicedesk.models import Ticket

from tests.patrol.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazard(frozen, estate_a, pump_room, steward_a):
    return hazards.hazard_report(
        estate=estate_a, checkpoint=pump_room, place="水泵房 B1", description="轴封渗水", severity="high", by=steward_a,
    )


def _act(client, hazard, action, data=None):
    return client.post(reverse("patrol_hazard_action", args=(hazard.pk, action)), data or {})


def test_deadline_by_severity_from_settings(frozen, estate_a, steward_a, settings):
    settings.PATROL_RECTIFY_HOURS = {"high": 4, "medium": 48, "low": 240}
    for severity, hours in (("high", 4), ("medium", 48), ("low", 240)):
        h = hazards.hazard_report(estate=estate_a, place="屋顶", description="x", severity=severity, by=steward_a)
        assert h.deadline == T0 + timedelta(hours=hours)


def test_full_path_through_the_hazard_page(hazard, supervisor_a, maintenance_a, steward_a, client_for):
    sup, maint = client_for(supervisor_a), client_for(maintenance_a)
    page = sup.get(reverse("patrol_hazard", args=(hazard.pk,))).content.decode()
    assert 'data-action="assign"' in page and 'data-action="verify"' not in page
    response = _act(sup, hazard, "assign", {"assign-department": "engineering", "assign-assignee": maintenance_a.pk})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.status, hazard.department, hazard.assignee) == ("assigned", "engineering", maintenance_a)
    assert _act(maint, hazard, "start").status_code == 302
    assert _act(maint, hazard, "rectify", {"rectify-rectification": ""}).status_code == 400
    assert _act(maint, hazard, "rectify", {"rectify-rectification": "更换轴封"}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "rectified" and hazard.rectified_by == maintenance_a
    # The steward (who reported it) verifies: someone other than the rectifier.
    assert _act(client_for(steward_a), hazard, "verify").status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "verified" and hazard.verified_by == steward_a and hazard.verified_at == T0
    assert hazard.history.count() >= 5  # every step kept


def test_the_rectifier_cannot_verify_their_own_work(hazard, supervisor_a, client_for):
    hazards.hazard_assign(hazard=hazard, department="engineering", by=supervisor_a)
    hazards.hazard_rectify(hazard=hazard, rectification="清理", by=supervisor_a)
    assert "verify" not in HAZARDS.allowed(hazard, supervisor_a)
    response = _act(client_for(supervisor_a), hazard, "verify")
    assert response.status_code == 403
    assert "someone other than" in response.content.decode() or "他人" in response.content.decode()
    with pytest.raises(ActionForbidden):
        hazards.hazard_verify(hazard=hazard, by=supervisor_a)
    hazard.refresh_from_db()
    assert hazard.status == "rectified" and hazard.verified_by is None


def test_not_accepted_goes_back_to_rectifying(hazard, supervisor_a, maintenance_a, manager_a):
    hazards.hazard_assign(hazard=hazard, department="engineering", assignee=maintenance_a, by=supervisor_a)
    hazards.hazard_rectify(hazard=hazard, rectification="拧紧", by=maintenance_a)
    with pytest.raises(ActionRefused):  # already rectified: not twice
        hazards.hazard_rectify(hazard=hazard, rectification="again", by=maintenance_a)
    with pytest.raises(Exception, match="why|为什么|原因"):
        hazards.hazard_reject(hazard=hazard, reason="", by=manager_a)
    hazards.hazard_reject(hazard=hazard, reason="仍在滴水", by=manager_a)
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and hazard.rectified_by is None and "仍在滴水" in hazard.rectification


def test_wrong_state_and_wrong_person_are_refused(hazard, supervisor_a, maintenance_a, make_user, estate_a, client_for):
    # Not assigned yet: nothing to rectify.
    assert _act(client_for(supervisor_a), hazard, "rectify", {"rectify-rectification": "x"}).status_code == 400
    other = make_user(roles.MAINTENANCE, [estate_a], username="maint_other")
    hazards.hazard_assign(hazard=hazard, department="engineering", assignee=maintenance_a, by=supervisor_a)
    assert _act(client_for(other), hazard, "start").status_code == 403
    # The steward may not assign.
    hazard.refresh_from_db()
    assert hazard.status == "assigned"
    assert _act(client_for(other), hazard, "nonsense").status_code == 404


def test_contractor_needs_a_name(hazard, supervisor_a, client_for):
    response = _act(client_for(supervisor_a), hazard, "assign", {"assign-department": "contractor"})
    assert response.status_code == 400
    hazard.refresh_from_db()
    assert hazard.status == "reported"


def test_needs_repair_opens_a_linked_service_desk_ticket(hazard, supervisor_a, client_for):
    StaffMembership.objects.filter(user=supervisor_a).update(mobile="13800138000")
    response = _act(client_for(supervisor_a), hazard, "assign",
                    {"assign-department": "contractor", "assign-contractor": "鑫达维修", "assign-needs_repair": "on"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    ticket = hazard.ticket
    assert ticket is not None and ticket.kind == Ticket.Kind.REPAIR and ticket.channel == Ticket.Channel.PATROL
    assert ticket.shared_area == "水泵房 B1" and "轴封渗水" in ticket.description and ticket.estate == hazard.estate
    # Reassigning does not open a second ticket.
    hazards.hazard_assign(hazard=hazard, department="engineering", needs_repair=True, by=supervisor_a)
    assert Ticket.objects.count() == 1


def test_needs_repair_without_a_mobile_is_a_400_and_writes_nothing(hazard, supervisor_a, client_for):
    response = _act(client_for(supervisor_a), hazard, "assign",
                    {"assign-department": "engineering", "assign-needs_repair": "on"})
    assert response.status_code == 400
    hazard.refresh_from_db()
    assert hazard.status == "reported" and not Ticket.objects.exists()


def test_another_estate_cannot_see_or_touch_it(hazard, clerk_b, client_for, make_user, estate_b):
    boss_b = make_user(roles.SUPERVISOR, [estate_b], username="sup_b")
    assert client_for(clerk_b).get(reverse("patrol_hazard", args=(hazard.pk,))).status_code == 404
    assert _act(client_for(boss_b), hazard, "assign", {"assign-department": "engineering"}).status_code == 404
    with pytest.raises(ActionForbidden):
        hazards.hazard_assign(hazard=hazard, department="engineering", by=boss_b)


def test_late_hazards_escalate_once_per_level(hazard, frozen, supervisor_a, manager_a, maintenance_a, settings):
    supervisor_a.email, manager_a.email, maintenance_a.email = "sup@example.com", "mgr@example.com", "m@example.com"
    for u in (supervisor_a, manager_a, maintenance_a):
        u.save()
    hazards.hazard_assign(hazard=hazard, department="engineering", assignee=maintenance_a, by=supervisor_a)
    frozen.move_to(hazard.deadline - timedelta(minutes=1))
    assert tasks.patrol_escalate_hazards.call_local() == 0
    frozen.move_to(hazard.deadline)
    tasks.patrol_escalate_hazards.call_local()
    tasks.patrol_escalate_hazards.call_local()
    assert sorted(m.to[0] for m in mail.outbox) == ["m@example.com", "sup@example.com"]
    assert "水泵房" in mail.outbox[0].subject or "水泵房" in mail.outbox[0].body
    frozen.move_to(hazard.deadline + timedelta(hours=settings.PATROL_ESCALATE_MANAGER_AFTER_HOURS))
    tasks.patrol_escalate_hazards.call_local()
    tasks.patrol_escalate_hazards.call_local()
    assert sorted(m.to[0] for m in mail.outbox) == ["m@example.com", "mgr@example.com", "sup@example.com"]
    assert set(HazardEscalation.objects.values_list("level", flat=True)) == {1, 2}


def test_rectified_hazards_do_not_escalate(hazard, frozen, supervisor_a):
    supervisor_a.email = "sup@example.com"
    supervisor_a.save()
    hazards.hazard_assign(hazard=hazard, department="engineering", by=supervisor_a)
    hazards.hazard_rectify(hazard=hazard, rectification="done", by=supervisor_a)
    frozen.move_to(hazard.deadline + timedelta(days=3))
    assert hazards.escalate_late_hazards() == 0 and not mail.outbox
    assert Hazard.objects.get().overdue is False
