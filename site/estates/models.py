"""Estate → building → house, and which staff work in which estate."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EstateManager(models.Manager):
    def get_by_natural_key(self, code):
        # dumpdata --natural-foreign --natural-primary writes estates by code; loaddata reads
        # them back through this.
        return self.get(code=code)


class Estate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(
        _("code"), max_length=20, unique=True,
        help_text=_("Short unique code used in spreadsheets, e.g. HYY."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    #: The estate's customer-service phone (24-hour desk), shown on every bulletin page and the
    #: service desk's public pages so that owners can reach the desk.
    hotline = models.CharField(
        _("service hotline"), max_length=30, blank=True,
        help_text=_("The 24-hour customer-service phone owners call, e.g. 021-5888 1234."),
    )
    managed_area = models.DecimalField(
        _("managed floor area (m²)"), max_digits=12, decimal_places=2, default=0,
        validators=[MinValueValidator(0)],
    )
    #: The estate's Wagtail collection: its documents and images (bulletin attachments, photos).
    #: Created with the estate (bulletin.services.estate_content_setup); see bulletin.permissions.
    collection = models.OneToOneField(
        "wagtailcore.Collection", on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="estate", verbose_name=_("collection"),
    )

    objects = EstateManager()

    #: Estate-scoped models name the path from themselves to their estate (see estates.scoping).
    estate_lookup = "pk"

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["code"]
        permissions = [("view_personal_data", _("Can view personal data (ID numbers, full mobiles)"))]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class BuildingManager(models.Manager):
    # A building is always shown with its estate ("和悦苑 3栋"): choices in forms and filters
    # would otherwise cost one query per building.
    def get_queryset(self):
        return super().get_queryset().select_related("estate")


class Building(models.Model):
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("estate"))
    name = models.CharField(_("building"), max_length=50, help_text=_("Name or number, e.g. 3栋."))

    objects = BuildingManager()

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate__code", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="building_unique_per_estate")]

    def __str__(self):
        return f"{self.estate.name} {self.name}"


class House(models.Model):
    class Status(models.TextChoices):
        VACANT = "vacant", _("vacant")
        OCCUPIED = "occupied", _("occupied")
        DECORATING = "decorating", _("decorating")
        RENTED = "rented", _("rented")

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("residential")
        COMMERCIAL = "commercial", _("commercial")
        PARKING = "parking", _("parking")
        OTHER = "other", _("other")

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="houses", verbose_name=_("building"))
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("Unit (单元), may be empty."))
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room number"), max_length=20)
    area = models.DecimalField(
        _("floor area (m²)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VACANT, db_index=True)
    use = models.CharField(_("use"), max_length=20, choices=Use.choices, default=Use.RESIDENTIAL, db_index=True)

    #: Field-level history (who changed what, when), for admin edits and imports alike.
    history = HistoricalRecords(verbose_name=_("house history"))

    estate_lookup = "building__estate"

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["building__name", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="house_natural_key"),
        ]
        # (building, unit, room) is the unique constraint's index; this one serves the imports,
        # which look houses up by building and room and compare the unit as typed in Python.
        indexes = [models.Index(fields=["building", "room"], name="house_room_idx")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """Building, unit and room as staff say it: 3栋-2单元-1201."""
        return self.label_of(self.building.name, self.unit, self.room)

    @staticmethod
    def label_of(building: str, unit: str, room: str) -> str:
        """The label from the three values (for code that reads houses as values, not objects)."""
        return "-".join(p for p in (building, f"{unit}单元" if unit else "", room) if p)


class StaffMembership(models.Model):
    """A staff member works in an estate. Their roles are their groups (see estates.roles)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="estate_memberships",
        verbose_name=_("staff member"),
    )
    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("estate"))
    mobile = models.CharField(_("work mobile"), max_length=20, blank=True)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [models.UniqueConstraint(fields=["user", "estate"], name="membership_unique")]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} @ {self.estate}"


class PersonalDataAccess(models.Model):
    """Append-only: who saw or exported which personal data, and when. Nobody edits it."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed unmasked")
        EXPORT = "export", _("exported unmasked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("record type"),
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    fields = models.CharField(_("fields"), max_length=500)
    estate = models.ForeignKey(
        Estate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("estate")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.object_repr} ({self.fields_display()})"

    def fields_display(self) -> str:
        """The fields by their names on screen (手机号、身份证号), not their code names: those of the
        model the entry names (the record shown, or the rows listed or exported), else a person's
        (entries written before listings and exports named their model)."""
        from django.apps import apps

        model = self.content_type.model_class() if self.content_type_id else None
        models_to_ask = [m for m in (model, apps.get_model("archives", "Person")) if m is not None]
        shown = []
        for name in (n.strip() for n in self.fields.split(",")):
            if not name:
                continue
            for candidate in models_to_ask:
                try:
                    shown.append(str(candidate._meta.get_field(name).verbose_name))
                    break
                except Exception:  # noqa: BLE001 - not a field of this model: ask the next one
                    continue
            else:
                shown.append(name)
        return "、".join(shown)

    fields_display.short_description = _("fields")
