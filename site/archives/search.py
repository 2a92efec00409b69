"""Archive search that stays fast at 100,000 households.

A query is read as every kind of identifier it could be, and each kind becomes one *branch*: a
query over one table that its own index answers.

- a full mobile, a full ID number, a full plate: equality on an indexed column;
- a house in the forms clerks type ("1-2-301", "1栋2单元301", "3栋-1单元-101", "301"): the
  buildings are matched by name in Python-sized sets, then houses by (building, unit, room)
  equality (the house's natural key);
- a name: ``UPPER(name) LIKE`` answered by a trigram GIN index on PostgreSQL (migration
  ``archives.0004``), an FTS5 trigram ``MATCH`` on SQLite (``archives.name_index``); a prefix for
  one or two characters (a trigram index cannot serve an infix shorter than three characters, and
  a Chinese surname or full name is typed from the start), a range on the name's btree index;
- part of a mobile or ID number (four characters or more), only for users who may see personal
  data (masked roles find a person by a full number only, so they cannot probe digit by digit):
  ``LIKE '%…%'`` on the trigram indexes (PostgreSQL; SQLite scans the narrow table). Digits typed
  as a house ("1-2-301") are not also part of a mobile.

The branches are combined as one ``pk IN (… UNION …)`` subquery: an OR of the conditions over the
joined tables (the old search) makes the planner scan every household.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from estates.models import Building, House
from estates.personal_data import normalize_mobile

from archives import name_index
from archives.models import Household, Person, Vehicle
from archives.validators import (
    _NEW_ENERGY_PLATE_RE,
    _PLATE_RE,
    normalize_id_number,
    normalize_plate,
)

FULL_MOBILE = re.compile(r"^1[3-9]\d{9}$")
FULL_ID = re.compile(r"^\d{17}[\dX]$|^[A-Z0-9]{6,}$")
_PARTIAL_PLATE = re.compile(r"^[A-Z0-9\u4e00-\u9fff]{3,8}$")
_SEPARATORS = re.compile(r"[\s\-–—/_,，、]+")
# "1栋2单元301" → "1栋", "2单元", "301" (zero-width splits after each marker).
_MARKERS = re.compile(r"(?<=号楼)|(?<=栋)|(?<=幢)|(?<=座)|(?<=单元)")
_BUILDING_MARKS = ("号楼", "栋", "幢", "座")
_MAX_PART = 20
_PHONE_PREFIX = re.compile(r"^\s*(\+|00)?86[\s\-]+")
# Above every character a name holds: ``name < prefix + _LAST_CHAR`` bounds a prefix range.
_LAST_CHAR = "\U0010ffff"


@dataclass
class Branches:
    """The querysets the query matches, by the table they come from (each ``.values(<one id>)``)."""

    houses: QuerySet | None = None  # House ids
    people: list[QuerySet] = field(default_factory=list)  # Person rows (filtered querysets)
    vehicles: list[QuerySet] = field(default_factory=list)  # Vehicle rows


def _strip(text: str, marks) -> str:
    for mark in marks:
        if text.endswith(mark) and len(text) > len(mark):
            return text[: -len(mark)]
    return text


def parse_house(query: str) -> tuple[str | None, str | None, str | None] | None:
    """(building, unit, room) as typed, each None when not given; None when it is not a house."""
    tokens = [t for part in _SEPARATORS.split(query.strip()) for t in _MARKERS.split(part) if t]
    if not tokens or len(tokens) > 3 or any(len(t) > _MAX_PART for t in tokens):
        return None
    is_building = [t.endswith(_BUILDING_MARKS) for t in tokens]
    is_unit = [t.endswith("单元") for t in tokens]
    if len(tokens) == 3:
        building, unit, room = tokens
    elif len(tokens) == 2:
        if is_unit[1]:
            (building, unit), room = tokens, None
        elif is_unit[0]:
            building, (unit, room) = None, tokens
        else:
            (building, room), unit = tokens, None
    elif is_building[0]:
        building, unit, room = tokens[0], None, None
    elif is_unit[0]:
        return None
    else:
        building, unit, room = None, None, tokens[0]
    if room is not None and not any(c.isdigit() for c in room):
        return None
    return (
        _strip(building, _BUILDING_MARKS) if building else None,
        _strip(unit, ("单元",)) if unit else None,
        _strip(room, ("室",)) if room else None,
    )


def _house_digits(query: str) -> bool:
    """Digits in groups a mobile is not written in ("1-2-301", "1 2 301"): a house label only.

    A mobile is grouped 3-4-4 or 4-4; a group of one or two digits is a building or a unit. Such a
    query probed as part of a mobile too ("12301") scanned the people table on SQLite.
    """
    groups = re.findall(r"\d+", _PHONE_PREFIX.sub("", query))
    return len(groups) > 1 and any(len(group) < 3 for group in groups)


def houses_matching(building: str | None, unit: str | None, room: str | None) -> QuerySet:
    """House ids for a parsed label: equality on (building, unit, room), the natural key's index."""
    houses = House.objects.order_by()
    if building is not None:
        names = {building, *(building + mark for mark in _BUILDING_MARKS), f"{building}号"}
        houses = houses.filter(building__in=Building.objects.order_by().filter(name__in=names).values("pk"))
    if unit is not None:
        houses = houses.filter(unit__in={unit, f"{unit}单元"})
    if room is not None:
        houses = houses.filter(room__in={room, f"{room}室"})
    return houses.values("pk")


def branches_for(query: str, *, privileged: bool) -> Branches:
    """Every branch the typed query can stand for (see the module docstring)."""
    query = query.strip()
    found = Branches()
    people = Person.objects.order_by()
    mobile = normalize_mobile(query)
    id_number = normalize_id_number(query)
    plate = normalize_plate(query)
    identifier = False
    # A full plate is a plate: it is not also probed as part of an ID number (CJK characters
    # are alphanumeric to Python) - a probe that scans big trigram lists at 100,000 households.
    full_plate = bool(_PLATE_RE.match(plate) or _NEW_ENERGY_PLATE_RE.match(plate))
    if FULL_MOBILE.match(mobile):
        found.people.append(people.filter(mobile=mobile))
        identifier = True
    elif (privileged and mobile.isdigit() and 4 <= len(mobile) <= 11 and not full_plate
          and not _house_digits(query)):
        # Part of a mobile has 11 digits at most: an 18-digit ID number is not one.
        found.people.append(people.filter(mobile__contains=mobile))
    if FULL_ID.match(id_number):
        found.people.append(people.filter(id_number=id_number))
        identifier = identifier or len(id_number) == 18
    if (privileged and len(id_number) >= 4 and id_number.isascii() and id_number.isalnum()
            and not identifier and not full_plate):
        found.people.append(people.filter(id_number__contains=id_number))
    if full_plate:
        found.vehicles.append(Vehicle.objects.order_by().filter(plate=plate))
        identifier = True
    elif _PARTIAL_PLATE.match(plate) and not plate.isdigit() and any(c.isdigit() for c in plate):
        found.vehicles.append(Vehicle.objects.order_by().filter(plate__contains=plate))
    if identifier:
        return found
    house = parse_house(query)
    if house is not None:
        found.houses = houses_matching(*house)
    if not any(c.isdigit() for c in query) and len(query) <= 50:
        found.people.append(_by_name(people, query))
    return found


def _by_name(people: QuerySet, query: str) -> QuerySet:
    """People whose name contains ``query`` (three characters or more) or starts with it."""
    sqlite = name_index.usable(connections[people.db])
    if len(query) >= 3:
        if sqlite:
            # The FTS5 trigram index of names (archives.name_index): LIKE would scan the table.
            return people.filter(pk__in=RawSQL(
                f"SELECT rowid FROM {name_index.TABLE} WHERE {name_index.TABLE} MATCH %s",
                (name_index.match_phrase(query),),
            ))
        return people.filter(name__icontains=query)
    if sqlite:
        # SQLite's LIKE is case-insensitive, so a LIKE prefix cannot use the name's btree index:
        # a range per case variant of the prefix can (a Chinese query has one variant).
        variants = {"".join(chars) for chars in itertools.product(*({c.lower(), c.upper()} for c in query))}
        ranges = Q()
        for prefix in variants:
            ranges |= Q(name__gte=prefix, name__lt=prefix + _LAST_CHAR)
        return people.filter(ranges)
    if query.upper() == query.lower():
        # A Chinese surname or name has no case: a plain prefix, which the name's btree
        # (pattern) index answers as a range, where UPPER(name) needs the trigram index.
        return people.filter(name__startswith=query)
    return people.filter(name__istartswith=query)


def _union(querysets: list[QuerySet]) -> QuerySet | None:
    if not querysets:
        return None
    first, *rest = querysets
    return first.union(*rest) if rest else first


def household_ids(branches: Branches) -> QuerySet | None:
    parts = [qs.values("household_id") for qs in (*branches.people, *branches.vehicles)]
    if branches.houses is not None:
        parts.append(Household.objects.order_by().filter(house__in=branches.houses).values("pk"))
    return _union(parts)


def person_ids(branches: Branches) -> QuerySet | None:
    parts = [qs.values("pk") for qs in branches.people]
    if branches.houses is not None:
        parts.append(Person.objects.order_by().filter(household__house__in=branches.houses).values("pk"))
    return _union(parts)


def vehicle_ids(branches: Branches) -> QuerySet | None:
    parts = [qs.values("pk") for qs in branches.vehicles]
    parts += [Vehicle.objects.order_by().filter(household__in=qs.values("household_id")).values("pk")
              for qs in branches.people]
    if branches.houses is not None:
        parts.append(Vehicle.objects.order_by().filter(household__house__in=branches.houses).values("pk"))
    return _union(parts)


#: The target model's ids for each listing that searches this way.
IDS_FOR = {Household: household_ids, Person: person_ids, Vehicle: vehicle_ids}


def search(queryset: QuerySet, query: str, *, privileged: bool) -> QuerySet:
    """``queryset`` (households, people or vehicles) narrowed to the rows the query finds."""
    ids = IDS_FOR[queryset.model](branches_for(query, privileged=privileged))
    if ids is None:
        return queryset.none()
    return queryset.filter(pk__in=ids)
