"""What the surveys services share: the permission check and the owner of a household."""

from __future__ import annotations

from archives.models import Person
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from estates.scoping import user_can_reach


def require(user, perm: str, instance=None) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("You may not do this."))
    if instance is not None and not user_can_reach(user, instance):
        raise PermissionDenied(_("You may not do this."))


def household_contact(household) -> Person | None:
    """The household's first owner with a mobile (else any resident with one)."""
    people = Person.objects.filter(household=household).exclude(mobile="")
    return people.filter(role=Person.Role.OWNER).order_by("pk").first() or people.order_by("pk").first()
