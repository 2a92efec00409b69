"""factory_boy factories of the service desk (tests and demo data).

``TicketFactory`` writes a bare row; use ``servicedesk.services.ticket_intake`` when the clocks
matter (it computes and stores them).
"""

from datetime import timedelta

import factory
from django.utils import timezone
from estates.factories import EstateFactory, HouseFactory, UserFactory

from servicedesk.models import (
    ClockEscalation,
    RepairCategory,
    ReturnVisit,
    ServiceClockSettings,
    ShiftHandover,
    Ticket,
    TicketClock,
    TicketEvent,
    TicketPhoto,
)


class ServiceClockSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceClockSettings
        django_get_or_create = ("estate",)

    estate = factory.SubFactory(EstateFactory)


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    kind = Ticket.Kind.REPAIR
    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda t: t.house.building.estate)
    number = factory.Sequence(lambda n: f"R-TEST-20260101-{n:04d}")
    contact_name = factory.Faker("name", locale="zh_CN")
    contact_mobile = factory.Sequence(lambda n: f"138{n:08d}")
    description = "厨房水龙头漏水"


class TicketClockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketClock

    ticket = factory.SubFactory(TicketFactory)
    kind = TicketClock.Kind.FINISH
    hours = 48
    started_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda c: c.started_at + timedelta(hours=c.hours))


class ClockEscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClockEscalation

    clock = factory.SubFactory(TicketClockFactory)
    level = ClockEscalation.Level.HANDLER


class TicketEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketEvent

    ticket = factory.SubFactory(TicketFactory)
    action = TicketEvent.Action.INTAKE


class ReturnVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnVisit

    ticket = factory.SubFactory(TicketFactory)
    satisfaction = 5
    owner_confirmed = True


class ShiftHandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftHandover

    estate = factory.SubFactory(EstateFactory)
    from_user = factory.SubFactory(UserFactory)
    to_user = factory.SubFactory(UserFactory)


class RepairCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepairCategory

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"水电{n}")
    contractor = "城东水电维修公司"


class TicketPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketPhoto

    ticket = factory.SubFactory(TicketFactory)
    content_type = "image/png"
    file = factory.django.FileField(filename="photo.png", data=b"\x89PNG\r\n\x1a\n" + b"0" * 64)
