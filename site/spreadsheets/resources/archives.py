"""The archives (档案): households with their people, vehicles, keys, documents.

Natural keys, never ids: a person is (estate code, building, unit, room, name); a vehicle its
plate; a key (estate code, tag code); a document (estate code, reference number).
"""

from __future__ import annotations

from archives import documents_sync
from archives.models import Document, Household, Key, Person, Vehicle
from archives.validators import normalize_id_number, normalize_plate
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from estates.models import House
from estates.personal_data import mask_id_number, mask_mobile

from spreadsheets import cells
from spreadsheets.resources.base import Column, RowError, SpreadsheetResource, norm, remember_loaded


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def _house_columns(prefix_path: str, *, required: bool = True):
    """Estate code, building, unit and room of the house, read through ``prefix_path``."""
    return {
        "estate": Column(f"{prefix_path}building__estate__code", gettext_lazy("estate code"), required=True,
                         help_text=gettext_lazy("The estate's short code, e.g. HYY."), example="HYY"),
        "building": Column(f"{prefix_path}building__name", _label(House, "building"), required=required, example="3栋"),
        "unit": Column(f"{prefix_path}unit", _label(House, "unit"), help_text=gettext_lazy("May be empty."), example="2"),
        "room": Column(f"{prefix_path}room", _label(House, "room"), required=required, example="1201"),
    }


def _households_for(houses: list[House], ctx) -> dict[int, Household]:
    """The household file of each house, a new (unsaved) one when the house has none yet."""
    table = ctx.cache.setdefault("households", {})
    missing = [h.pk for h in houses if h.pk not in table]
    if missing:
        for household in Household.objects.filter(house_id__in=missing).order_by().select_related("house__building__estate"):
            table[household.house_id] = household
        for house in houses:
            if house.pk not in table:
                # By id: a new household need not keep its house (and building, estate) alive.
                table[house.pk] = Household(house_id=house.pk)
    return table


class PersonResource(SpreadsheetResource):
    """Households with their people: one row per person, the household by its house."""

    locals().update(_house_columns("household__house__"))
    name = Column("name", gettext_lazy("full name"), required=True, example="张三",
                  aliases=("姓名", "名字", "业主姓名", "住户姓名", "name"))
    role = Column("role", _label(Person, "role"), cells.ChoiceWidget(Person.Role.choices), example=pgettext_lazy("household role", "owner"))
    relationship = Column("relationship", _label(Person, "relationship"), example="")
    mobile = Column("mobile", _label(Person, "mobile"), cells.MobileWidget(), mask=mask_mobile,
                    aliases=("手机", "手机号", "电话", "联系电话"),
                    help_text=gettext_lazy("11 digits; spaces, dashes and full-width digits are fine."), example="138 0013 8000")
    id_type = Column("id_type", _label(Person, "id_type"), cells.ChoiceWidget(Person.IdType.choices))
    id_number = Column("id_number", _label(Person, "id_number"), cells.TextWidget(nfkc=True, upper=True),
                       mask=mask_id_number, example="110101198001010011")
    move_in = Column("move_in", _label(Person, "move_in"), cells.DateWidget(),
                     help_text=gettext_lazy("2024-05-01, 2024/5/1 or 2024年5月1日."), example="2024-05-01")
    lease_start = Column("lease_start", _label(Person, "lease_start"), cells.DateWidget())
    lease_end = Column("lease_end", _label(Person, "lease_end"), cells.DateWidget())
    notes = Column("notes", _label(Person, "notes"))

    #: The house and the name, refined in ``key_of``: by ID number when the row has one, else
    #: by name and role. Two people may share a name in one household (马建华 the owner and
    #: 马建华 the son); a row that could be either is an error naming both, never a merge.
    natural_key = ("estate", "building", "unit", "room", "name")

    class Meta:
        model = Person
        fields = ("estate", "building", "unit", "room", "name", "role", "relationship", "mobile", "id_type",
                  "id_number", "move_in", "lease_start", "lease_end", "notes")
        import_id_fields = ("estate", "building", "unit", "room", "name")

    def key_of(self, values):
        house = tuple(norm(cells.text_of(values.get(n))) for n in ("estate", "building", "unit", "room"))
        id_number = _row_id_number(values)
        if id_number:
            return (*house, "id", id_number)
        return (*house, "name", norm(values.get("name")), norm(values.get("role")))

    def export_queryset(self, queryset: QuerySet) -> QuerySet:
        if queryset.model is Household:
            queryset = Person.objects.filter(household__in=queryset.values("pk"))
        return queryset.select_related("household__house__building__estate").order_by(
            "household__house__building__name", "household__house__unit", "household__house__room", "role", "name", "pk")

    def prepare(self, rows, ctx):
        houses = self.houses_for(rows, ctx)
        ctx.cache["houses"] = houses
        households = _households_for(list(houses.values()), ctx)
        # Only this batch's households: the cache holds every household seen so far.
        saved = [households[h.pk].pk for h in houses.values() if households[h.pk].pk]
        people = {}
        for person in Person.objects.filter(household_id__in=saved).order_by("pk"):
            people.setdefault(person.household_id, []).append(remember_loaded(person))
        ctx.cache["people"] = people

    def match(self, row, household, ctx) -> Person | None:
        """The person this row is about: by ID number when the row has one, else by name and role
        (a masked ID number narrows the candidates). Raise RowError when two people match."""
        people = ctx.cache["people"].get(household.pk, []) if household.pk else []
        name = norm(row.values.get("name"))
        role = row.values.get("role")
        id_number = _row_id_number(row.values)
        if id_number:
            candidates = [p for p in people if normalize_id_number(p.id_number) == id_number]
            if not candidates:  # the archive lacks the ID number: match the same name and role
                candidates = [p for p in people if norm(p.name) == name and not p.id_number
                              and (role is None or p.role == role)]
        else:
            candidates = [p for p in people if norm(p.name) == name and (role is None or p.role == role)]
            masked = cells.text_of(row.values.get("id_number"))
            if masked and "*" in masked:
                candidates = [p for p in candidates if mask_id_number(p.id_number) == masked]
        if len(candidates) > 1:
            raise RowError(
                _("This row could be any of these people of the household: %(people)s. Add the ID number or "
                  "the role to tell them apart.") % {"people": "；".join(_describe(p, ctx) for p in candidates)},
                "name",
            )
        return candidates[0] if candidates else None

    def build(self, row, ctx):
        self.estate_for(row, ctx)
        house = self.house_for(row, ctx.cache["houses"])
        household = ctx.cache["households"][house.pk]
        person = self.match(row, household, ctx)
        if person is None:
            person = Person(household=household)
        else:
            person.household = household
        self.assign(person, row, ctx, ["name", "role", "relationship", "mobile", "id_type", "id_number",
                                       "move_in", "lease_start", "lease_end", "notes"])
        return person


def _row_id_number(values) -> str:
    """The row's ID number when it is a full one (a masked one, with *, identifies nobody)."""
    text = normalize_id_number(cells.text_of(values.get("id_number")))
    return "" if "*" in text else text


def _describe(person: Person, ctx) -> str:
    number = person.id_number if ctx.can_view_personal else mask_id_number(person.id_number)
    parts = [person.name, str(person.get_role_display())]
    if number:
        parts.append(number)
    return " ".join(parts)


class VehicleResource(SpreadsheetResource):
    plate = Column("plate", _label(Vehicle, "plate"), cells.TextWidget(nfkc=True, upper=True), required=True,
                   help_text=gettext_lazy("Chinese plate such as 粤B12345 or new-energy 粤BD12345."), example="粤B12345")
    locals().update(_house_columns("household__house__"))
    vehicle_type = Column("vehicle_type", _label(Vehicle, "vehicle_type"), cells.ChoiceWidget(Vehicle.Type.choices))
    colour = Column("colour", _label(Vehicle, "colour"), example="白色")
    parking_space = Column("parking_space", _label(Vehicle, "parking_space"), example="B1-023")
    permit_number = Column("permit_number", _label(Vehicle, "permit_number"))
    permit_valid_from = Column("permit_valid_from", _label(Vehicle, "permit_valid_from"), cells.DateWidget())
    permit_valid_to = Column("permit_valid_to", _label(Vehicle, "permit_valid_to"), cells.DateWidget())
    active = Column("active", _label(Vehicle, "active"), cells.BooleanWidget(), help_text=gettext_lazy("是 or 否."))

    natural_key = ("plate",)

    class Meta:
        model = Vehicle
        fields = ("plate", "estate", "building", "unit", "room", "vehicle_type", "colour", "parking_space",
                  "permit_number", "permit_valid_from", "permit_valid_to", "active")
        import_id_fields = ("plate",)

    def key_of(self, values):
        return (normalize_plate(cells.text_of(values.get("plate"))),)

    def export_queryset(self, queryset):
        return queryset.select_related("household__house__building__estate")

    def prepare(self, rows, ctx):
        houses = self.houses_for(rows, ctx)
        ctx.cache["houses"] = houses
        _households_for(list(houses.values()), ctx)
        plates = {r.key[0] for r in rows}
        vehicles = {}
        # Every estate's vehicles: a plate registered in another estate must be reported, not moved.
        for vehicle in Vehicle.objects.filter(plate__in=plates).select_related("household__house__building").order_by("active"):
            vehicles[vehicle.plate] = remember_loaded(vehicle)  # the active one wins (ordered last)
        ctx.cache["vehicles"] = vehicles

    def build(self, row, ctx):
        self.estate_for(row, ctx)
        house = self.house_for(row, ctx.cache["houses"])
        household = ctx.cache["households"][house.pk]
        vehicle = ctx.cache["vehicles"].get(row.key[0])
        if vehicle is not None and not self.estate_allowed(vehicle.household.house.building.estate_id, ctx):
            raise RowError(_("This plate is registered in another estate."), "plate")
        if vehicle is None:
            vehicle = Vehicle(household=household)
        elif vehicle.household_id != household.pk:
            vehicle.household = household
        self.assign(vehicle, row, ctx, ["vehicle_type", "colour", "parking_space", "permit_number",
                                        "permit_valid_from", "permit_valid_to", "active"])
        vehicle.plate = row.key[0]
        return vehicle


class KeyResource(SpreadsheetResource):
    estate = Column("estate__code", gettext_lazy("estate code"), required=True, example="HYY")
    tag = Column("tag", _label(Key, "tag"), cells.TextWidget(nfkc=True), required=True, example="K-0001")
    building = Column("opens_house__building__name", gettext_lazy("opens house: building"), example="3栋")
    unit = Column("opens_house__unit", gettext_lazy("opens house: unit"))
    room = Column("opens_house__room", gettext_lazy("opens house: room"), example="1201")
    opens_room = Column("opens_room", _label(Key, "opens_room"), example="水泵房",
                        help_text=gettext_lazy("A shared room, when the key is not for a house."))
    cabinet = Column("cabinet", _label(Key, "cabinet"), example="A")
    slot = Column("slot", _label(Key, "slot"), example="01")
    copies = Column("copies", _label(Key, "copies"), cells.IntegerWidget(), example="1")
    status = Column("status", _label(Key, "status"), cells.ChoiceWidget(Key.Status.choices))
    notes = Column("notes", _label(Key, "notes"))

    natural_key = ("estate", "tag")
    validate_exclude = ("status",)

    class Meta:
        model = Key
        fields = ("estate", "tag", "building", "unit", "room", "opens_room", "cabinet", "slot", "copies", "status", "notes")
        import_id_fields = ("estate", "tag")

    def export_queryset(self, queryset):
        return queryset.select_related("estate", "opens_house__building")

    def prepare(self, rows, ctx):
        ctx.cache["houses"] = self.houses_for(rows, ctx)
        estates = self.estates_by_code(ctx)
        ids = [estates[c].pk for c in {norm(r.values.get("estate")) for r in rows} if c in estates]
        tags = {cells.text_of(r.values.get("tag")) for r in rows}
        ctx.cache["keys"] = {
            (norm(k.estate.code), norm(k.tag)): remember_loaded(k)
            for k in Key.objects.filter(estate_id__in=ids, tag__in=tags).select_related("estate", "opens_house__building")
        }

    def build(self, row, ctx):
        estate = self.estate_for(row, ctx)
        house = self.house_for(row, ctx.cache["houses"], required=False)
        key = ctx.cache["keys"].get(row.key) or Key(estate=estate)
        key.opens_house = house
        self.assign(key, row, ctx, ["tag", "opens_room", "cabinet", "slot", "copies", "status", "notes"])
        if key.copies is None:
            key.copies = 1
        if key.pk and "status" in row.values and key.status != key._loaded_values["status"] and Key.Status.LENT_OUT in (
            key.status, key._loaded_values["status"]
        ):
            raise RowError(_("Whether a key is lent out is kept by the borrowing register, not by imports."), "status")
        return key


class DocumentResource(SpreadsheetResource):
    estate = Column("estate__code", gettext_lazy("estate code"), required=True, example="HYY")
    reference = Column("reference", _label(Document, "reference"), cells.TextWidget(nfkc=True), example="HYY-2024-001",
                       help_text=gettext_lazy("May be empty: a document without one is matched by year, category "
                                              "and title."))
    title = Column("title", _label(Document, "title"), required=True, example="2024年物业服务合同")
    category = Column("category", _label(Document, "category"), cells.ChoiceWidget(Document.Category.choices), required=True)
    year = Column("year", _label(Document, "year"), cells.IntegerWidget(), required=True, example="2024")
    building = Column("household__house__building__name", gettext_lazy("household: building"))
    unit = Column("household__house__unit", gettext_lazy("household: unit"))
    room = Column("household__house__room", gettext_lazy("household: room"))
    cabinet = Column("cabinet", _label(Document, "cabinet"), example="A")
    box = Column("box", _label(Document, "box"), example="12")
    confidentiality = Column("confidentiality", _label(Document, "confidentiality"),
                             cells.ChoiceWidget(Document.Confidentiality.choices))
    notes = Column("notes", _label(Document, "notes"))
    #: Export only: whether the electronic file and the paper copy are in step (ignored on import).
    sync = Column(None, gettext_lazy("electronic and paper copies"), readonly=True,
                  help_text=gettext_lazy("Filled in by the export; ignored on import."))

    #: By reference number; a document without one (the model allows it) by year, category and
    #: title among the documents without a reference (see ``key_of``).
    natural_key = ("estate", "reference")
    validate_exclude = ("file",)

    class Meta:
        model = Document
        fields = ("estate", "reference", "title", "category", "year", "building", "unit", "room", "cabinet", "box",
                  "confidentiality", "notes", "sync")
        import_id_fields = ("estate", "reference")

    def dehydrate_sync(self, document):
        return documents_sync.label_of(document)

    def key_of(self, values):
        estate = norm(cells.text_of(values.get("estate")))
        reference = norm(cells.text_of(values.get("reference")))
        if reference:
            return (estate, "ref", reference)
        return (estate, "untitled", str(values.get("year") or ""), norm(values.get("category")),
                norm(cells.text_of(values.get("title"))))

    def export_queryset(self, queryset):
        return queryset.select_related("estate", "household__house__building")

    def prepare(self, rows, ctx):
        houses = self.houses_for(rows, ctx)
        ctx.cache["houses"] = houses
        _households_for(list(houses.values()), ctx)
        estates = self.estates_by_code(ctx)
        ids = [estates[c].pk for c in {norm(r.values.get("estate")) for r in rows} if c in estates]
        refs = {cells.text_of(r.values.get("reference")) for r in rows}
        titles = {cells.text_of(r.values.get("title")) for r in rows if not cells.text_of(r.values.get("reference"))}
        documents: dict[tuple, list] = {}
        matching = Document.objects.filter(estate_id__in=ids, reference__in=refs - {""})
        if titles:
            matching = matching | Document.objects.filter(estate_id__in=ids, reference="", title__in=titles)
        for document in matching.select_related("estate").order_by("pk"):
            key = self.key_of({"estate": document.estate.code, "reference": document.reference,
                               "year": document.year, "category": document.category, "title": document.title})
            documents.setdefault(key, []).append(remember_loaded(document))
        ctx.cache["documents"] = documents

    def build(self, row, ctx):
        estate = self.estate_for(row, ctx)
        house = self.house_for(row, ctx.cache["houses"], required=False)
        candidates = ctx.cache["documents"].get(row.key, [])
        if len(candidates) > 1:
            raise RowError(
                _("This row could be any of these documents without a reference number: %(documents)s. Give them "
                  "reference numbers in the admin first.") % {"documents": "；".join(f"#{d.pk} {d.title}" for d in candidates)},
                "reference",
            )
        document = candidates[0] if candidates else Document(estate=estate)
        if house is not None:
            household = ctx.cache["households"][house.pk]
            if household.pk is None:
                raise RowError(_("This house has no household file yet."), "room")
            document.household = household
        elif any(n in row.values for n in ("building", "room")):
            document.household = None
        self.assign(document, row, ctx, ["reference", "title", "category", "year", "cabinet", "box", "confidentiality", "notes"])
        return document


