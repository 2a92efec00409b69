"""factory_boy factories for estates and staff; used by tests and by load_demo."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from estates.models import Building, Estate, House, StaffMembership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="zh_CN")
    last_name = factory.Faker("last_name", locale="zh_CN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = False
    password = factory.django.Password("demo12345")


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"和悦苑{n}期")
    code = factory.Sequence(lambda n: f"E{n:03d}")
    address = factory.Faker("address", locale="zh_CN")
    managed_area = Decimal("50000.00")
    hotline = factory.Sequence(lambda n: f"021-5{n:03d} 0000")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")


class HouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = House

    building = factory.SubFactory(BuildingFactory)
    unit = "1"
    floor = factory.Sequence(lambda n: n % 30 + 1)
    room = factory.Sequence(lambda n: f"{n % 30 + 1}{n % 4 + 1:02d}-{n}")
    area = factory.Faker("pydecimal", left_digits=3, right_digits=2, min_value=40, max_value=200)
    status = House.Status.OCCUPIED
    use = House.Use.RESIDENTIAL


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    estate = factory.SubFactory(EstateFactory)
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


def make_staff(*, role: str | None, estates=(), username: str | None = None, **fields):
    """A staff login with the given role (group name from estates.roles) in the given estates."""
    kwargs = {"is_staff": True, **fields}
    if username:
        kwargs["username"] = username
    user = UserFactory(**kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    for estate in estates:
        StaffMembership.objects.get_or_create(user=user, estate=estate)
    return user


class PersonalDataAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "estates.PersonalDataAccess"

    user = factory.SubFactory(UserFactory)
    action = "view"
    object_repr = "张三"
    fields = "mobile"
