"""factory_boy factories for the borrowing register; used by tests and by demo data.

The factories write rows directly (for test set-ups); real loans go through lending.services,
which also keeps the key's status and the document's ``is_out`` in step.
"""

import datetime

import factory
from archives.factories import DocumentFactory, KeyFactory
from django.utils import timezone
from estates.factories import EstateFactory, UserFactory

from lending.models import LendingSettings, Loan


class LendingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LendingSettings
        django_get_or_create = ("estate",)

    estate = factory.SubFactory(EstateFactory)
    key_due_time = datetime.time(18, 0)
    key_min_hours = 2
    document_days = 7


class LoanFactory(factory.django.DjangoModelFactory):
    """A requested loan of a key, to an outside contractor."""

    class Meta:
        model = Loan

    key = factory.SubFactory(KeyFactory)
    document = None
    estate = factory.LazyAttribute(lambda loan: (loan.key or loan.document).estate)
    status = Loan.Status.REQUESTED
    borrower_name = factory.Faker("name", locale="zh_CN")
    borrower_mobile = factory.Sequence(lambda n: f"137{n:08d}")
    borrower_organisation = "安装公司"
    purpose = "入户维修"
    requested_by = factory.SubFactory(UserFactory)
    requested_at = factory.LazyFunction(timezone.now)


class DocumentLoanFactory(LoanFactory):
    key = None
    document = factory.SubFactory(DocumentFactory)
    purpose = "查阅合同"
