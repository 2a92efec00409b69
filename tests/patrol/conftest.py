"""Fixtures of the patrol tests: a pump room and a roof with checklists, a daily plan, staff."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from estates import roles
from patrol.factories import (
    PNG_1PX,
    ChecklistItemFactory,
    CheckpointFactory,
    PatrolPlanFactory,
    PlanStopFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 2026-11-02 07:00 in Shanghai.
T0 = datetime(2026, 11, 2, 7, 0, tzinfo=SHANGHAI)
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pump_room(estate_a):
    checkpoint = CheckpointFactory(estate=estate_a, name="水泵房", location="B1")
    ChecklistItemFactory(checkpoint=checkpoint, text="水泵运行正常", sort_order=0)
    ChecklistItemFactory(checkpoint=checkpoint, text="无渗漏", sort_order=1)
    return checkpoint


@pytest.fixture
def roof(estate_a):
    checkpoint = CheckpointFactory(estate=estate_a, name="屋顶", location="1栋")
    ChecklistItemFactory(checkpoint=checkpoint, text="排水口通畅", sort_order=0)
    return checkpoint


@pytest.fixture
def plan(estate_a, pump_room, roof):
    """Daily 08:00-11:00 from Monday 2026-11-02, walked by stewards."""
    plan = PatrolPlanFactory(
        estate=estate_a, name="每日设备巡查", window_start=time(8), window_end=time(11),
        starts_on=T0.date(), responsible_role=roles.STEWARD,
    )
    PlanStopFactory(plan=plan, checkpoint=pump_room, sort_order=0)
    PlanStopFactory(plan=plan, checkpoint=roof, sort_order=1)
    return plan


@pytest.fixture
def steward_a(make_user, estate_a):
    return make_user(roles.STEWARD, [estate_a], username="steward_a", first_name="小", last_name="王")


@pytest.fixture
def maintenance_a(make_user, estate_a):
    return make_user(roles.MAINTENANCE, [estate_a], username="maint_a")


@pytest.fixture
def manager_a(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")


@pytest.fixture
def steward_b(make_user, estate_b):
    return make_user(roles.STEWARD, [estate_b], username="steward_b")


@pytest.fixture
def png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def _png(name="p.png", content=PNG_1PX):
        return SimpleUploadedFile(name, content, content_type="image/png")

    return _png
