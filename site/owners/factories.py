"""factory_boy factories of the owner portal."""

from datetime import timedelta

import factory
from archives.factories import HouseholdFactory, PersonFactory
from django.utils import timezone

from owners.models import OwnerToken, ResidentAccess


class ResidentAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentAccess

    person = factory.SubFactory(PersonFactory)


class OwnerTokenFactory(factory.django.DjangoModelFactory):
    """A token row; its raw value is unknown (use owners.services.sign_in for a usable one)."""

    class Meta:
        model = OwnerToken

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory, household=factory.SelfAttribute("..household"))
    mobile = factory.LazyAttribute(lambda t: t.person.mobile)
    key_hash = factory.Sequence(lambda n: f"test-token-{n:08d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
