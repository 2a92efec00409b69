"""A patrol on a phone: the QR label's link opens the checklist, a not-OK item with a photo
becomes a hazard, the hazard is assigned, rectified by maintenance and verified by another
user, and the patrol report counts it."""

import re
from datetime import time

import pytest
from django.utils import timezone
from estates import roles
from estates.factories import EstateFactory
from patrol import services
from patrol.factories import (
    PNG_1PX,
    ChecklistItemFactory,
    CheckpointFactory,
    PatrolPlanFactory,
    PlanStopFactory,
)
from patrol.models import Hazard, PatrolRound


@pytest.fixture
def patrol(transactional_db, make_user, settings, live_server, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    estate = EstateFactory(name="和悦苑", code="HYY")
    pump = CheckpointFactory(estate=estate, name="水泵房", location="B1 东侧")
    ChecklistItemFactory(checkpoint=pump, text="水泵运行正常", sort_order=0)
    ChecklistItemFactory(checkpoint=pump, text="无渗漏、无积水", sort_order=1)
    plan = PatrolPlanFactory(estate=estate, name="全天设备巡查", window_start=time(0, 0), window_end=time(23, 59),
                             starts_on=timezone.localdate(), responsible_role=roles.STEWARD)
    PlanStopFactory(plan=plan, checkpoint=pump)
    services.rounds_sweep()
    people = {
        "steward": make_user(roles.STEWARD, [estate], username="e2e_steward"),
        "supervisor": make_user(roles.SUPERVISOR, [estate], username="e2e_sup"),
        "maintenance": make_user(roles.MAINTENANCE, [estate], username="e2e_maint"),
        "clerk": make_user(roles.CLERK, [estate], username="e2e_clerk"),
    }
    return estate, pump, people


def as_user(page, admin_login, username):
    page.context.clear_cookies()
    admin_login(page, username)


def act(page, action, fields=None):
    form = page.locator(f"form[data-action='{action}']")
    for name, value in (fields or {}).items():
        if name.endswith("department") or name.endswith("assignee"):
            form.locator(f"[name='{name}']").select_option(value)
        else:
            form.locator(f"[name='{name}']").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_round_on_a_phone_to_a_verified_hazard_in_the_report(phone_page, live_server, admin_login, patrol):
    estate, pump, people = patrol
    page, base = phone_page, live_server.url

    # The steward prints nothing today: the label page carries the link its QR code encodes.
    as_user(page, admin_login, "e2e_steward")
    page.goto(f"{base}/admin/patrol/checkpoints/{pump.pk}/label/")
    assert page.locator("#qr svg").count() == 1
    link = page.locator(".label a").get_attribute("href")
    assert link.endswith(f"/admin/patrol/c/{pump.token}/")

    # Scanning it opens the checklist of today's round at this checkpoint.
    page.goto(link)
    page.wait_for_url(re.compile(r"/admin/patrol/rounds/\d+/checkpoints/\d+/$"))
    assert page.viewport_size["width"] == 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    ok_item, bad_item = pump.items.all()
    page.check(f"input[name='item_{ok_item.pk}'][value='ok']")
    page.check(f"input[name='item_{bad_item.pk}'][value='bad']")
    page.fill(f"input[name='note_{bad_item.pk}']", "水泵轴封渗水，地面有积水")
    page.select_option(f"select[name='severity_{bad_item.pk}']", "high")
    page.set_input_files(f"#id_photo_{bad_item.pk}", files=[{"name": "leak.png", "mimeType": "image/png", "buffer": PNG_1PX}])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/patrol/rounds/\d+/$"))
    assert "已完成" in page.locator("#round-status").inner_text()
    assert PatrolRound.objects.get().status == "done"

    # The not-OK item became a hazard with its photo.
    hazard = Hazard.objects.get()
    hazard_url = f"{base}/admin/patrol/hazards/{hazard.pk}/"
    assert hazard.severity == "high" and hazard.photos.count() == 1

    # The supervisor assigns it to maintenance.
    as_user(page, admin_login, "e2e_sup")
    page.goto(hazard_url)
    assert page.evaluate("document.querySelector('img.photo').naturalWidth") == 1
    act(page, "assign", {"assign-department": "engineering", "assign-assignee": str(people["maintenance"].pk)})
    assert "已指派" in page.locator("#hazard-status").inner_text()

    # Maintenance rectifies it, and may not verify their own work.
    as_user(page, admin_login, "e2e_maint")
    page.goto(hazard_url)
    act(page, "start")
    act(page, "rectify", {"rectify-rectification": "更换水泵轴封，清理积水"})
    assert "已整改" in page.locator("#hazard-status").inner_text()
    assert page.locator("form[data-action='verify']").count() == 0

    # The clerk, another person, verifies it.
    as_user(page, admin_login, "e2e_clerk")
    page.goto(hazard_url)
    act(page, "verify")
    assert "已验证" in page.locator("#hazard-status").inner_text()
    hazard.refresh_from_db()
    assert hazard.verified_by == people["clerk"] and hazard.rectified_by == people["maintenance"]

    # The report counts the round and the rectified hazard.
    as_user(page, admin_login, "e2e_sup")
    page.goto(f"{base}/admin/patrol/report/?estate={estate.pk}")
    assert page.locator("[data-figure='done']").inner_text() == "1"
    assert page.locator("[data-figure='found']").inner_text() == "1"
    assert page.locator("[data-figure='rectified']").inner_text() == "1"
