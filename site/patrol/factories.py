"""factory_boy factories of patrol (tests and demo data). Rows are bare: use the services
(patrol.services, patrol.hazards) when the rules matter."""

from datetime import time, timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from estates.factories import EstateFactory, UserFactory

from patrol.models import (
    ChecklistItem,
    Checkpoint,
    Hazard,
    HazardEscalation,
    ItemCheck,
    PatrolPhoto,
    PatrolPlan,
    PatrolRound,
    PlanStop,
    RoundVisit,
)

#: The smallest valid PNG (1×1), for photo rows.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkpoint

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"水泵房{n}")
    kind = Checkpoint.Kind.PUMP_ROOM
    location = "地下一层"


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    checkpoint = factory.SubFactory(CheckpointFactory)
    text = factory.Sequence(lambda n: f"水泵运行正常 {n}")
    sort_order = factory.Sequence(int)


class PatrolPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatrolPlan

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"每日设备巡查 {n}")
    frequency = PatrolPlan.Frequency.DAILY
    window_start = time(8, 0)
    window_end = time(12, 0)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class PlanStopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanStop

    plan = factory.SubFactory(PatrolPlanFactory)
    checkpoint = factory.SubFactory(CheckpointFactory, estate=factory.SelfAttribute("..plan.estate"))
    sort_order = factory.Sequence(int)


class PatrolRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatrolRound

    plan = factory.SubFactory(PatrolPlanFactory)
    estate = factory.SelfAttribute("plan.estate")
    date = factory.Sequence(lambda n: timezone.localdate() - timedelta(days=n))
    window_start = factory.LazyFunction(timezone.now)
    window_end = factory.LazyAttribute(lambda r: r.window_start + timedelta(hours=4))


class RoundVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundVisit

    round = factory.SubFactory(PatrolRoundFactory)
    checkpoint = factory.SubFactory(CheckpointFactory, estate=factory.SelfAttribute("..round.estate"))
    by = factory.SubFactory(UserFactory)


class ItemCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemCheck

    visit = factory.SubFactory(RoundVisitFactory)
    item = factory.SubFactory(ChecklistItemFactory, checkpoint=factory.SelfAttribute("..visit.checkpoint"))
    ok = True


class HazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hazard

    estate = factory.SubFactory(EstateFactory)
    place = "水泵房 地下一层"
    description = "消防水泵漏水"
    severity = Hazard.Severity.MEDIUM
    reported_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda h: h.reported_at + timedelta(hours=72))


class HazardEscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardEscalation

    hazard = factory.SubFactory(HazardFactory)
    level = HazardEscalation.Level.SUPERVISOR


class PatrolPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatrolPhoto

    estate = factory.SubFactory(EstateFactory)
    file = factory.LazyFunction(lambda: ContentFile(PNG_1PX, name="photo.png"))
    content_type = "image/png"
