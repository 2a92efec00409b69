"""A secretary publishes their estate's notices directly: no "Moderators approval" workflow."""

import pytest
from bulletin.factories import NoticePageFactory, home_for
from estates import roles
from wagtail.models import Workflow, WorkflowPage

pytestmark = pytest.mark.django_db


def test_default_workflow_is_switched_off(settings):
    assert settings.WAGTAIL_WORKFLOW_ENABLED is False
    assert not Workflow.objects.filter(active=True).exists()
    assert not WorkflowPage.objects.exists()


def test_secretary_is_offered_publish_not_moderation(make_user, estate_a, client_for):
    home_for(estate_a)
    secretary = make_user(roles.SECRETARY, [estate_a], username="secretary_a")
    notice = NoticePageFactory(estate=estate_a, live=False)
    response = client_for(secretary).get(f"/admin/pages/{notice.pk}/edit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="action-publish"' in html
    assert "action-submit" not in html and "Moderators approval" not in html
