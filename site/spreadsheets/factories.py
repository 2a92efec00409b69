"""factory_boy factories of the spreadsheets app."""

import factory
from django.core.files.base import ContentFile
from estates.factories import UserFactory

from spreadsheets.models import ExportJob, ImportChange, ImportJob, ImportLock


class ImportJobFactory(factory.django.DjangoModelFactory):
    """An uploaded house list waiting for confirmation."""

    class Meta:
        model = ImportJob

    user = factory.SubFactory(UserFactory)
    target = "estates.house"
    original_name = "houses.csv"
    file = factory.LazyFunction(lambda: ContentFile("小区代码,楼栋,单元,楼层,房号,建筑面积（m²）\r\nHYY,1栋,1,1,101,88\r\n".encode("utf-8-sig"), name="houses.csv"))
    status = ImportJob.Status.PREVIEW
    total = 1
    checked = 1
    counts = factory.LazyFunction(lambda: {"new": 1, "changed": 0, "unchanged": 0, "invalid": 0})


class ImportLockFactory(factory.django.DjangoModelFactory):
    """The lock a confirmed house import holds for estate HYY."""

    class Meta:
        model = ImportLock

    job = factory.SubFactory(ImportJobFactory, status=ImportJob.Status.QUEUED, estates=["HYY"])
    key = factory.Sequence(lambda n: f"estates.house:E{n}")


class ImportChangeFactory(factory.django.DjangoModelFactory):
    """A record an import created (the undo would remove it)."""

    class Meta:
        model = ImportChange

    job = factory.SubFactory(ImportJobFactory, status=ImportJob.Status.DONE)
    model = "estates.house"
    object_id = factory.Sequence(lambda n: n + 1)
    action = ImportChange.Action.CREATED
    after = factory.LazyFunction(lambda: {"room": "101"})


class ExportJobFactory(factory.django.DjangoModelFactory):
    """A large export waiting for its worker."""

    class Meta:
        model = ExportJob

    user = factory.SubFactory(UserFactory)
    target = "estates.house"
    fmt = "xlsx"
    total = 6000
