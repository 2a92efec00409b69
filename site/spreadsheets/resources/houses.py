"""Houses (房屋): estate code, building, unit and room identify a house."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from estates.models import Building, House

from spreadsheets import cells
from spreadsheets.resources.base import Column, RowError, SpreadsheetResource, norm, remember_loaded


def _label(model, name):
    return model._meta.get_field(name).verbose_name


class HouseResource(SpreadsheetResource):
    estate = Column("building__estate__code", gettext_lazy("estate code"), required=True,
                    help_text=gettext_lazy("The estate's short code, e.g. HYY."), example="HYY")
    building = Column("building__name", _label(House, "building"), required=True,
                      help_text=gettext_lazy("Building name or number; a new one is created in the estate."), example="3栋")
    unit = Column("unit", _label(House, "unit"), help_text=gettext_lazy("May be empty."), example="2")
    floor = Column("floor", _label(House, "floor"), cells.IntegerWidget(), required=True, example="12")
    room = Column("room", _label(House, "room"), required=True, example="1201")
    area = Column("area", _label(House, "area"), cells.DecimalWidget(), required=True, example="89.50")
    status = Column("status", _label(House, "status"), cells.ChoiceWidget(House.Status.choices))
    use = Column("use", _label(House, "use"), cells.ChoiceWidget(House.Use.choices))

    natural_key = ("estate", "building", "unit", "room")

    class Meta:
        model = House
        fields = ("estate", "building", "unit", "floor", "room", "area", "status", "use")
        import_id_fields = ("estate", "building", "unit", "room")

    def export_queryset(self, queryset):
        return queryset.select_related("building__estate")

    def prepare(self, rows, ctx):
        estates = self.estates_by_code(ctx)
        ids = [estates[c].pk for c in {norm(r.values.get("estate")) for r in rows} if c in estates]
        buildings = ctx.cache.setdefault("buildings", {})
        names = {cells.text_of(r.values.get("building")) for r in rows}
        missing = [n for n in names if n and (None, norm(n)) not in buildings]
        if ids and missing:
            for building in Building.objects.filter(estate_id__in=ids, name__in=missing).select_related("estate"):
                buildings[(building.estate_id, norm(building.name))] = building
        rooms = {cells.text_of(r.values.get("room")) for r in rows} - {""}
        existing = {}
        if ids and rooms:
            houses = House.objects.filter(building__estate_id__in=ids, building__name__in=names, room__in=rooms)
            for house in houses.select_related("building__estate"):
                existing[(norm(house.building.estate.code), norm(house.building.name), norm(house.unit), norm(house.room))] = remember_loaded(house)
        ctx.cache["houses"] = existing

    def build(self, row, ctx):
        estate = self.estate_for(row, ctx)
        house = ctx.cache["houses"].get(row.key)
        if house is None:
            buildings = ctx.cache["buildings"]
            name = cells.text_of(row.values.get("building"))
            building = buildings.get((estate.pk, norm(name)))
            if building is None:
                if not ctx.user.has_perm("estates.add_building"):
                    raise RowError(
                        _("There is no building “%(name)s” in estate %(estate)s.") % {"name": name, "estate": estate.code},
                        "building",
                    )
                building = Building(estate=estate, name=name)
                buildings[(estate.pk, norm(name))] = building
            house = House(building=building)
            # Defaults for columns left out of the file.
            house.status = House.Status.VACANT
            house.use = House.Use.RESIDENTIAL
        self.assign(house, row, ctx, ["unit", "floor", "room", "area", "status", "use"])
        return house
