"""Stewards (管家) own households: DOMAIN.md's "each household has one steward".

A steward is assigned to households singly or in bulk (a building or a unit at a time from the
household listing); every reassignment is kept in the household's history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from estates import roles
from estates.scoping import estate_ids_for, user_can_reach
from simple_history.utils import bulk_update_with_history

from archives.models import Household


def stewards_for(user):
    """Active stewards of the estates ``user`` works in (every estate for a superuser)."""
    users = get_user_model().objects.filter(is_active=True, groups__name=roles.STEWARD)
    ids = estate_ids_for(user)
    if ids is not None:
        users = users.filter(estate_memberships__estate__in=ids)
    return users.distinct().order_by("last_name", "first_name", "username")


def households_assign_steward(*, households: Iterable[Household], steward, by) -> int:
    """Give ``households`` to ``steward`` (None: no steward). All or nothing; returns how many
    changed. The steward must be a steward of each household's estate."""
    households = list(households)
    if by is None or not by.has_perm("archives.change_household"):
        raise PermissionDenied(_("You may not do this."))
    if any(not user_can_reach(by, h) for h in households):
        raise PermissionDenied(_("You may not do this."))
    if steward is not None:
        if not steward.groups.filter(name=roles.STEWARD).exists() or not steward.is_active:
            raise ValidationError({"steward": [_("%(name)s is not a steward.") % {"name": _name(steward)}]})
        their_estates = set(steward.estate_memberships.values_list("estate_id", flat=True))
        outside = [h for h in households if h.house.building.estate_id not in their_estates]
        if outside:
            raise ValidationError({"steward": [
                _("%(name)s does not work in the estate of %(house)s.") % {"name": _name(steward), "house": outside[0]}
            ]})
    changed = [h for h in households if h.steward_id != (steward.pk if steward else None)]
    for household in changed:
        household.steward = steward
    with transaction.atomic():
        # One history row per household, written in bulk with who did it.
        bulk_update_with_history(changed, Household, ["steward"], batch_size=500, default_user=by,
                                 default_change_reason=_("steward assigned"))
    return len(changed)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
