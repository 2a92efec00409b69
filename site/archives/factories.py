"""factory_boy factories for the archives; used by tests and by demo data."""

import datetime

import factory
from estates.factories import EstateFactory, HouseFactory

from archives.models import Document, Household, Key, Person, Vehicle
from archives.validators import resident_id_check_code


def resident_id(n: int, born: datetime.date = datetime.date(1980, 1, 1)) -> str:
    """A valid 18-character resident ID number, distinct for every ``n``."""
    first17 = f"110101{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_code(first17)


_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def plate_for(n: int) -> str:
    """A valid, distinct plate number such as 粤B00012."""
    return f"粤{_PLATE_LETTERS[(n // 100000) % len(_PLATE_LETTERS)]}{n % 100000:05d}"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    house = factory.SubFactory(HouseFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Faker("name", locale="zh_CN")
    role = Person.Role.OWNER
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    id_type = Person.IdType.RESIDENT_ID
    id_number = factory.Sequence(resident_id)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    household = factory.SubFactory(HouseholdFactory)
    plate = factory.Sequence(plate_for)
    vehicle_type = Vehicle.Type.CAR
    colour = "白色"
    parking_space = factory.Sequence(lambda n: f"B1-{n:03d}")


class KeyFactory(factory.django.DjangoModelFactory):
    """A spare key of a house in the key's estate."""

    class Meta:
        model = Key

    opens_house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda k: k.opens_house.building.estate)
    tag = factory.Sequence(lambda n: f"K-{n:04d}")
    cabinet = "A"
    slot = factory.Sequence(lambda n: f"{n % 100 + 1:02d}")
    copies = 1
    status = Key.Status.IN_CABINET


class SharedRoomKeyFactory(KeyFactory):
    """A key of a shared room (pump room, roof...)."""

    opens_house = None
    estate = factory.SubFactory(EstateFactory)
    opens_room = "水泵房"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    estate = factory.SubFactory(EstateFactory)
    title = factory.Sequence(lambda n: f"关于小区管理的通知 {n}")
    category = Document.Category.NOTICE
    year = 2025
    reference = factory.Sequence(lambda n: f"WY-2025-{n:04d}")
    cabinet = "1"
    box = factory.Sequence(lambda n: f"{n % 20 + 1}")
    confidentiality = Document.Confidentiality.INTERNAL
