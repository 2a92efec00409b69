"""The archives (档案): one file per household (一户一档), its people and vehicles, keys and documents.

Every model keeps a field-level history with django-simple-history (one history: Wagtail's
revisions are not used). People and vehicles are children of the household (modelcluster
``ParentalKey``), so the household screen edits the whole file on one page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estatedesk.storage import private_storage
from estates.personal_data import normalize_mobile
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords

from archives.validators import (
    normalize_id_number,
    normalize_plate,
    validate_document,
    validate_key,
    validate_person,
    validate_vehicle,
)


class ArchiveHistory(HistoricalRecords):
    """Historical records whose parental keys become plain foreign keys.

    A copied ``ParentalKey`` would register the historical model as a child relation of the
    household (and fails modelcluster's check on ``related_name="+"``).
    """

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            if isinstance(field, ParentalKey):
                field.__class__ = models.ForeignKey
        return fields


class SkipUnchangedHistoryMixin:
    """No history entry for a save that changes nothing.

    The household form saves every inline child whenever the household is saved; without this
    each unchanged person and vehicle would get an empty "changed" entry.
    """

    #: Fields whose change alone is not worth a history entry.
    history_ignored_fields: tuple[str, ...] = ("updated_at",)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def _tracked_values(self) -> dict:
        values = {}
        for field in self._meta.concrete_fields:
            if field.name in self.history_ignored_fields:
                continue
            value = getattr(self, field.attname)
            values[field.attname] = getattr(value, "name", value) if isinstance(value, FieldFile) else value
        return values

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_values", None)
        unchanged = (
            not self._state.adding
            and loaded is not None
            and all(loaded.get(k, v) == v for k, v in self._tracked_values().items())
            and set(self._tracked_values()) <= set(loaded)
        )
        if unchanged:
            self.skip_history_when_saving = True
        try:
            super().save(*args, **kwargs)
        finally:
            if unchanged:
                del self.skip_history_when_saving
        self._loaded_values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}
        for k, v in self._loaded_values.items():
            if isinstance(v, FieldFile):
                self._loaded_values[k] = v.name


class Household(SkipUnchangedHistoryMixin, ClusterableModel):
    """The file of one house: its owners, family, tenants and vehicles."""

    house = models.OneToOneField(
        "estates.House", on_delete=models.PROTECT, related_name="household", verbose_name=_("house")
    )
    notes = models.TextField(_("notes"), blank=True)
    #: DOMAIN.md: each household has one steward (管家) of its estate. Assigned in bulk from the
    #: listing (archives.stewards); the history keeps every reassignment.
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="stewarded_households", verbose_name=_("steward"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Copies of the house's estate and of its (building name, unit, room), so that the listings
    # (households, and people by household) filter and order on one index of this table instead
    # of sorting 100,000 joined rows on every deep page. Written by database triggers (migration
    # archives.0005) on every insert and update of a household, and when its house or building
    # changes: bulk_create, COPY and imports included, so no Python write path can forget them.
    # Never read from an instance (a just-saved instance does not see the trigger's values).
    listing_estate = models.ForeignKey(
        "estates.Estate", on_delete=models.DO_NOTHING, db_constraint=False, null=True, editable=False,
        related_name="+", db_index=False,
    )
    sort_key = models.CharField(max_length=100, null=True, editable=False)

    history = ArchiveHistory(verbose_name=_("historical household"), excluded_fields=["listing_estate", "sort_key"])
    history_ignored_fields = ("updated_at", "listing_estate", "sort_key")

    estate_lookup = "house__building__estate"
    #: What the listings filter on (estates.scoping.scope_queryset): the trigger-kept copy.
    estate_scope_lookup = "listing_estate"

    class Meta:
        verbose_name = _("household file")
        verbose_name_plural = _("household files")
        # Building name, unit, room (the sort key), on the index below; the id breaks ties
        # between estates with the same building names.
        ordering = ["sort_key", "pk"]
        indexes = [models.Index(fields=["listing_estate", "sort_key", "id"], name="household_listing_idx")]

    def __str__(self):
        try:
            return self.house.label
        except Exception:  # a deleted house of a historical instance
            return _("household %(pk)s") % {"pk": self.pk}

    @property
    def estate(self):
        return self.house.building.estate


class Person(SkipUnchangedHistoryMixin, models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("household role", "owner")
        FAMILY = "family", _("family member")
        TENANT = "tenant", _("tenant")
        RESIDENT = "resident", _("other resident")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("mainland resident ID card")
        PASSPORT = "passport", _("passport")
        HK_MACAO_TAIWAN = "hk_macao_taiwan_permit", _("Hong Kong / Macao / Taiwan permit")
        OTHER = "other", _("other")

    household = ParentalKey(
        Household, on_delete=models.CASCADE, related_name="people", verbose_name=_("household")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, db_index=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OWNER, db_index=True)
    relationship = models.CharField(
        _("relationship to the owner"), max_length=30, blank=True, help_text=_("E.g. spouse, son, mother.")
    )
    #: Stored normalised: 11 ASCII digits.
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, db_index=True)
    id_type = models.CharField(
        _("ID document type"), max_length=30, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("ID document number"), max_length=30, blank=True)
    move_in = models.DateField(_("move-in date"), null=True, blank=True)
    lease_start = models.DateField(_("lease start"), null=True, blank=True)
    lease_end = models.DateField(_("lease end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = ArchiveHistory(verbose_name=_("historical person"))

    estate_lookup = "household__house__building__estate"
    estate_scope_lookup = "household__listing_estate"
    #: Fields that hold personal data: masked for roles without ``view_personal_data``.
    personal_fields = ("mobile", "id_number")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["household", "role", "name"]
        # A full ID number is searched by equality (archives.search); on the live table only,
        # not on its history. The trigram indexes are PostgreSQL-only (migration 0004).
        # The listing walks households in order and each one's people by this index.
        indexes = [
            models.Index(fields=["id_number"], name="person_id_number_idx"),
            models.Index(fields=["household", "role", "name"], name="person_listing_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lease_start__isnull=True) | Q(lease_end__isnull=True) | Q(lease_end__gt=models.F("lease_start")),
                name="person_lease_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.mobile = normalize_mobile(self.mobile) if self.mobile else ""
        self.id_number = normalize_id_number(self.id_number)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        validate_person(self)


class Vehicle(SkipUnchangedHistoryMixin, models.Model):
    class Type(models.TextChoices):
        CAR = "car", _("car")
        SUV = "suv", _("SUV")
        MPV = "mpv", _("MPV / van")
        TRUCK = "truck", _("truck")
        MOTORCYCLE = "motorcycle", _("motorcycle")
        OTHER = "other", _("other")

    household = ParentalKey(
        Household, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("household")
    )
    plate = models.CharField(_("plate number"), max_length=10, db_index=True)
    vehicle_type = models.CharField(_("vehicle type"), max_length=20, choices=Type.choices, default=Type.CAR)
    colour = models.CharField(_("colour"), max_length=20, blank=True)
    parking_space = models.CharField(_("parking space"), max_length=30, blank=True)
    permit_number = models.CharField(_("parking permit number"), max_length=30, blank=True)
    permit_valid_from = models.DateField(_("permit valid from"), null=True, blank=True)
    permit_valid_to = models.DateField(_("permit valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)

    history = ArchiveHistory(verbose_name=_("historical vehicle"))

    estate_lookup = "household__house__building__estate"
    estate_scope_lookup = "household__listing_estate"

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]
        constraints = [
            models.UniqueConstraint(
                fields=["plate"], condition=Q(active=True), name="vehicle_plate_unique_active",
                violation_error_message=_("An active vehicle with this plate number is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(permit_valid_from__isnull=True) | Q(permit_valid_to__isnull=True)
                | Q(permit_valid_to__gte=models.F("permit_valid_from")),
                name="vehicle_permit_period_valid",
            ),
        ]

    def __str__(self):
        return self.plate

    def save(self, *args, **kwargs):
        self.plate = normalize_plate(self.plate)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        validate_vehicle(self)


class Key(SkipUnchangedHistoryMixin, models.Model):
    class Status(models.TextChoices):
        IN_CABINET = "in_cabinet", _("in the cabinet")
        LENT_OUT = "lent_out", _("lent out")
        LOST = "lost", _("lost")
        RETIRED = "retired", _("retired")

    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, related_name="keys", verbose_name=_("estate")
    )
    tag = models.CharField(_("tag code"), max_length=30)
    opens_house = models.ForeignKey(
        "estates.House", on_delete=models.PROTECT, null=True, blank=True, related_name="keys",
        verbose_name=_("opens house"),
    )
    opens_room = models.CharField(
        _("opens shared room"), max_length=100, blank=True,
        help_text=_("A shared room such as the pump room, roof or meter room, when the key is not for a house."),
    )
    cabinet = models.CharField(_("key cabinet"), max_length=30, blank=True)
    slot = models.CharField(_("slot"), max_length=20, blank=True)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_CABINET, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)

    history = ArchiveHistory(verbose_name=_("historical key"))

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("key")
        verbose_name_plural = _("keys")
        ordering = ["estate", "tag"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "tag"], name="key_tag_unique_per_estate",
                violation_error_message=_("A key with this tag code already exists in this estate."),
            ),
            models.CheckConstraint(
                condition=(Q(opens_house__isnull=False) & Q(opens_room=""))
                | (Q(opens_house__isnull=True) & ~Q(opens_room="")),
                name="key_opens_house_or_room",
                violation_error_message=_("A key opens either a house or a shared room: give exactly one."),
            ),
        ]

    def __str__(self):
        return f"{self.tag} ({self.opens})"

    @property
    def opens(self) -> str:
        """What the key opens, as staff say it: a house label or the shared room."""
        if self.opens_house_id:
            return self.opens_house.label
        return self.opens_room

    def clean(self):
        super().clean()
        validate_key(self)


class Document(SkipUnchangedHistoryMixin, models.Model):
    class Category(models.TextChoices):
        NOTICE = "notice", _("notice")
        LETTER = "letter", _("letter")
        CONTRACT = "contract", _("contract")
        MINUTES = "minutes", _("meeting minutes")
        WORK_PLAN = "work_plan", _("work plan")
        REPORT = "report", _("report")
        DECORATION = "decoration", _("decoration papers")
        CERTIFICATE = "certificate", _("certificate copy")
        OTHER = "other", _("other")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("public")
        INTERNAL = "internal", _("internal")
        CONFIDENTIAL = "confidential", _("confidential")

    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, related_name="documents", verbose_name=_("estate")
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents",
        verbose_name=_("household"),
    )
    title = models.CharField(_("title"), max_length=200, db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    reference = models.CharField(_("reference number"), max_length=50, blank=True)
    file = models.FileField(_("electronic file"), upload_to="archives/documents/%Y/", blank=True, storage=private_storage, max_length=255)
    cabinet = models.CharField(_("paper copy: cabinet"), max_length=30, blank=True)
    box = models.CharField(_("paper copy: box"), max_length=30, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.INTERNAL,
        db_index=True,
    )
    #: The paper copy is out with a borrower. Maintained only by the lending app's services.
    is_out = models.BooleanField(_("paper copy lent out"), default=False, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = ArchiveHistory(verbose_name=_("historical document"))

    estate_lookup = "estate"

    class Meta:
        verbose_name = pgettext_lazy("archive", "document")
        verbose_name_plural = pgettext_lazy("archive", "documents")
        ordering = ["-year", "category", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "reference"], condition=~Q(reference=""), name="document_reference_unique_per_estate",
                violation_error_message=_("A document with this reference number already exists in this estate."),
            ),
        ]
        indexes = [models.Index(fields=["estate", "year", "category"], name="document_filing_idx")]

    def __str__(self):
        return f"{self.reference} {self.title}".strip()

    def clean(self):
        super().clean()
        validate_document(self)
