"""The bulletin's page models: one home per estate with a notice index and an event index under it.

Page tree::

    root
    └── BulletinIndexPage (the site root: lists the estates)
        └── BulletinHomePage (one per Estate)
            ├── NoticeIndexPage → NoticePage …
            └── EventIndexPage  → EventPage …

Notices and events carry their estate as a denormalised, non-editable foreign key (set from the
home page above them on every save) so that listings, the API and sign-ups filter by estate in
one query. Page models do NOT declare ``estate_lookup``: page permissions are Wagtail's
(see ``bulletin.permissions``); the sign-up models (``bulletin.models.signups``) do, and get the
estate policy.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from bulletin.cache import CachedServeMixin, timeout_until_next_change
from bulletin.permissions import EstatePagePermissionTester, IndexPagePermissionTester


class EstateCodeField(serializers.Field):
    """A page's estate code, from one query per API request (the company's few estates), not one
    per listed page (``source="estate.code"`` fetched the estate of every item)."""

    def __init__(self, **kwargs):
        super().__init__(source="estate_id", read_only=True, **kwargs)

    def to_representation(self, estate_id):
        from estates.models import Estate

        cache = self.context.setdefault("_estate_codes", {})
        if estate_id not in cache:
            cache.update(Estate.objects.values_list("pk", "code"))
        return cache.get(estate_id)


#: Rich text features offered to secretaries: enough for notices, nothing that breaks phones.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class Category(models.TextChoices):
    FEES = "fees", _("Fees and fee standards")
    OUTAGE = "outage", _("Water or power outage")
    SAFETY = "safety", _("Safety")
    MOVE_IN = "move_in", _("Move-in")
    DECORATION = "decoration", _("Decoration")
    COMMITTEE = "committee", _("Owners' committee and finance reports")
    COMMUNITY = "community", _("Community")
    FESTIVAL = "festival", _("Festival")
    OTHER = "other", _("Other")


def wants_english() -> bool:
    return (translation.get_language() or "").startswith("en")


class BilingualMixin:
    """A page with ``title_en``/``body_en`` shows them to English readers when they exist."""

    @property
    def has_english(self) -> bool:
        return bool(self.title_en)

    @property
    def shown_in_english(self) -> bool:
        return wants_english() and self.has_english

    @property
    def display_title(self) -> str:
        return self.title_en if self.shown_in_english else self.title

    @property
    def display_body(self) -> str:
        return self.body_en if self.shown_in_english else self.body

    @property
    def content_lang(self) -> str:
        return "en" if self.shown_in_english else "zh-Hans"


class EstatePageMixin:
    """Notices and events: the estate comes from the home page above them."""

    def permissions_for_user(self, user):
        return EstatePagePermissionTester(user, self)

    def find_estate_id(self) -> int | None:
        if not self.path:
            return None
        home = BulletinHomePage.objects.ancestor_of(self).values_list("estate_id", flat=True).first()
        return home

    def save(self, *args, **kwargs):
        estate_id = self.find_estate_id()
        if estate_id is not None:
            self.estate_id = estate_id
        return super().save(*args, **kwargs)

    def get_estate_id(self) -> int | None:
        return self.estate_id


class NoticePageQuerySet(PageQuerySet):
    """The public reads of notices (bulletin.selectors offers them by name)."""

    def current(self, *, now=None):
        """Published and not expired."""
        now = now or timezone.now()
        return self.live().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def for_listing(self, *, estate_id: int | None, category: str | None = None, now=None):
        """Urgent first, then pinned, then the newest. Expired notices leave the listings."""
        qs = self.current(now=now).select_related("estate")
        if estate_id is not None:
            qs = qs.filter(estate_id=estate_id)
        if category:
            qs = qs.filter(category=category)
        return qs.order_by("-urgent", "-pinned", "-first_published_at", "-pk")

    def latest_everywhere(self, *, limit: int = 10):
        return self.current().select_related("estate").order_by("-urgent", "-first_published_at", "-pk")[:limit]


class EventPageQuerySet(PageQuerySet):
    """The public reads of events (bulletin.selectors offers them by name)."""

    def upcoming(self, *, estate_id: int | None, now=None):
        now = now or timezone.now()
        qs = self.live().filter(ends_at__gt=now).select_related("estate").order_by("starts_at")
        return qs.filter(estate_id=estate_id) if estate_id is not None else qs

    def past(self, *, estate_id: int | None, now=None):
        now = now or timezone.now()
        qs = self.live().filter(ends_at__lte=now).select_related("estate").order_by("-starts_at")
        return qs.filter(estate_id=estate_id) if estate_id is not None else qs


class BulletinIndexPage(CachedServeMixin, Page):
    """The site root: the estates' bulletins. Only superusers edit it."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["bulletin.BulletinHomePage"]
    max_count = 1

    class Meta:
        verbose_name = _("bulletin index")
        verbose_name_plural = _("bulletin indexes")

    def permissions_for_user(self, user):
        return IndexPagePermissionTester(user, self)

    def route(self, request, path_components):
        """Find the deepest page on the path in one query instead of one per level (a notice is
        three levels down); then let that page route the rest as Wagtail would."""
        if len(path_components) < 2:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "/".join(path_components[:i]) + "/" for i in range(1, len(path_components) + 1)
        ]
        found = (
            Page.objects.filter(url_path__in=prefixes, path__startswith=self.path, depth__gt=self.depth)
            .order_by("-depth").first()
        )
        if found is None:
            return super().route(request, path_components)
        remaining = path_components[found.depth - self.depth:]
        return found.specific.route(request, remaining)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        latest = list(NoticePage.objects.latest_everywhere(limit=10))
        context.update(
            homes=BulletinHomePage.switcher(),
            latest=latest,
            cache_timeout=timeout_until_next_change(notices=latest),
        )
        return context

class BulletinHomePage(CachedServeMixin, Page):
    """An estate's bulletin: urgent and pinned notices first, then the latest, and events."""

    estate = models.OneToOneField(
        "estates.Estate", on_delete=models.PROTECT, related_name="bulletin_home", verbose_name=_("estate")
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("estate"), FieldPanel("intro")]
    parent_page_types = ["bulletin.BulletinIndexPage"]
    subpage_types = ["bulletin.NoticeIndexPage", "bulletin.EventIndexPage"]

    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("estate bulletin home")
        verbose_name_plural = _("estate bulletin homes")

    def permissions_for_user(self, user):
        return EstatePagePermissionTester(user, self)

    def get_estate_id(self) -> int | None:
        return self.estate_id

    @classmethod
    def switcher(cls) -> list[BulletinHomePage]:
        """The estate switcher: every live estate home, one query."""
        return list(cls.objects.live().select_related("estate").order_by("estate__code"))

    def sections(self) -> dict:
        """The notice and event index under this home (by type, one query)."""
        found = {}
        for page in self.get_children().live().specific():
            if isinstance(page, NoticeIndexPage):
                found.setdefault("notices", page)
            elif isinstance(page, EventIndexPage):
                found.setdefault("events", page)
        return found

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notices = NoticePage.objects.for_listing(estate_id=self.estate_id)[:10]
        events = EventPage.objects.upcoming(estate_id=self.estate_id)[:5]
        context.update(
            notices=notices,
            events=events,
            estate=self.estate,
            homes=BulletinHomePage.switcher(),
            sections=self.sections(),
            cache_timeout=timeout_until_next_change(notices=notices, events=events),
        )
        return context

class _ListingPage(CachedServeMixin, Page):
    """Common parts of the notice and event indexes: paginated, cached, estate-scoped."""

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["bulletin.BulletinHomePage"]
    per_page = 20

    class Meta:
        abstract = True

    def permissions_for_user(self, user):
        return EstatePagePermissionTester(user, self)

    def get_home(self):
        return BulletinHomePage.objects.ancestor_of(self).select_related("estate").first()

    def get_estate_id(self) -> int | None:
        return BulletinHomePage.objects.ancestor_of(self).values_list("estate_id", flat=True).first()

class NoticeIndexPage(_ListingPage):
    subpage_types = ["bulletin.NoticePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("notice index")
        verbose_name_plural = _("notice indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = self.get_home()
        category = request.GET.get("category", "")
        if category not in Category.values:
            category = ""
        notices = NoticePage.objects.for_listing(estate_id=home.estate_id if home else None, category=category or None)
        page_obj = Paginator(notices, self.per_page).get_page(request.GET.get("page"))
        context.update(
            home=home,
            estate=home.estate if home else None,
            page_obj=page_obj,
            notices=page_obj.object_list,
            category=category,
            categories=Category.choices,
            homes=BulletinHomePage.switcher(),
            cache_timeout=timeout_until_next_change(notices=page_obj.object_list),
            # What this page read, as bulletin.cache_keys.PAGE_PARAMS writes it.
            cache_reads={"page": str(page_obj.number) if page_obj.number > 1 else None, "category": category or None},
        )
        return context


class EventIndexPage(_ListingPage):
    subpage_types = ["bulletin.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")
        verbose_name_plural = _("event indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = self.get_home()
        estate_id = home.estate_id if home else None
        upcoming = list(EventPage.objects.upcoming(estate_id=estate_id)[:50])
        past = list(EventPage.objects.past(estate_id=estate_id)[:20])
        context.update(
            home=home, estate=home.estate if home else None, upcoming=upcoming, past=past,
            homes=BulletinHomePage.switcher(),
            cache_timeout=timeout_until_next_change(events=upcoming),
        )
        return context


class NoticePage(CachedServeMixin, BilingualMixin, EstatePageMixin, Page):
    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="notices", verbose_name=_("estate"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    urgent = models.BooleanField(_("urgent"), default=False, help_text=_("Urgent notices lead the listings."))
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Pinned notices come right after urgent ones."))
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)
    title_en = models.CharField(_("English title"), max_length=255, blank=True)
    body_en = RichTextField(_("English body"), features=RICH_TEXT_FEATURES, blank=True)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, db_index=True,
        help_text=_("After this time the notice leaves the listings but stays readable, marked as expired."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("category"), FieldPanel("urgent"), FieldPanel("pinned")]),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("attachments")),
        MultiFieldPanel([FieldPanel("title_en"), FieldPanel("body_en")], heading=_("English version")),
        FieldPanel("expires_at"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("body"),
        index.SearchField("title_en"),
        index.SearchField("body_en"),
        index.FilterField("category"),
        index.FilterField("estate"),
    ]
    api_fields = [
        APIField("estate_code", serializer=EstateCodeField()),
        APIField("category"),
        APIField("urgent"),
        APIField("pinned"),
        APIField("body"),
        APIField("title_en"),
        APIField("body_en"),
        APIField("expires_at"),
        APIField("is_expired"),
        APIField("attachments"),
    ]
    parent_page_types = ["bulletin.NoticeIndexPage"]
    subpage_types: list[str] = []

    objects = PageManager.from_queryset(NoticePageQuerySet)()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["estate", "category"], name="notice_estate_category_idx")]

    def clean(self):
        super().clean()
        if self.expires_at and self.go_live_at and self.expires_at <= self.go_live_at:
            raise ValidationError({"expires_at": _("The expiry must come after the go-live time.")})

    @property
    def is_expired(self) -> bool:
        return bool(self.expires_at and self.expires_at <= timezone.now())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        homes = BulletinHomePage.switcher()
        for home in homes:  # the estate is already loaded with the switcher: no query
            if home.estate_id == self.estate_id:
                self.estate = home.estate
        context.update(
            attachments=list(self.attachments.select_related("document")),
            homes=homes,
            cache_timeout=timeout_until_next_change(notices=[self]),
        )
        return context

class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    label = models.CharField(pgettext_lazy("attachment", "label"), max_length=200, blank=True, help_text=_("Shown instead of the file's title."))

    panels = [FieldPanel("document"), FieldPanel("label")]
    api_fields = [
        APIField("label"),
        APIField("url", serializer=serializers.CharField(source="document.url", read_only=True)),
        APIField("title", serializer=serializers.CharField(source="document.title", read_only=True)),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.label or self.document.title


class EventPage(CachedServeMixin, BilingualMixin, EstatePageMixin, Page):
    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="events", verbose_name=_("estate"),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"), validators=[MinValueValidator(1)])
    max_people_per_signup = models.PositiveSmallIntegerField(
        _("most people per sign-up"), default=4, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    signup_deadline = models.DateTimeField(_("sign-up deadline"))
    body = RichTextField(_("description"), features=RICH_TEXT_FEATURES)
    safety_measures = models.TextField(_("safety measures"))
    opinions = models.TextField(
        _("opinions gathered beforehand"), blank=True,
        help_text=_("What owners asked for when the event was planned."),
    )
    title_en = models.CharField(_("English title"), max_length=255, blank=True)
    body_en = RichTextField(_("English description"), features=RICH_TEXT_FEATURES, blank=True)
    safety_measures_en = models.TextField(_("safety measures (English)"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("place"), FieldPanel("capacity"), FieldPanel("max_people_per_signup")]),
        FieldPanel("signup_deadline"),
        FieldPanel("body"),
        FieldPanel("safety_measures"),
        FieldPanel("opinions"),
        InlinePanel("photos", label=_("photos afterwards")),
        MultiFieldPanel(
            [FieldPanel("title_en"), FieldPanel("place_en"), FieldPanel("body_en"), FieldPanel("safety_measures_en")],
            heading=_("English version"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body"), index.SearchField("title_en")]
    api_fields = [
        APIField("estate_code", serializer=EstateCodeField()),
        APIField("starts_at"),
        APIField("ends_at"),
        APIField("place"),
        APIField("place_en"),
        APIField("capacity"),
        APIField("signup_deadline"),
        APIField("body"),
        APIField("safety_measures"),
        APIField("opinions"),
        APIField("title_en"),
        APIField("body_en"),
        APIField("safety_measures_en"),
        APIField("photos"),
    ]
    parent_page_types = ["bulletin.EventIndexPage"]
    subpage_types: list[str] = []

    objects = PageManager.from_queryset(EventPageQuerySet)()

    class Meta:
        verbose_name = _("community event")
        verbose_name_plural = _("community events")

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        if self.signup_deadline and self.starts_at and self.signup_deadline > self.starts_at:
            errors["signup_deadline"] = _("The sign-up deadline must not be after the start.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_place(self) -> str:
        return self.place_en if self.shown_in_english and self.place_en else self.place

    @property
    def display_safety_measures(self) -> str:
        return self.safety_measures_en if self.shown_in_english and self.safety_measures_en else self.safety_measures

    @property
    def signup_open(self) -> bool:
        return timezone.now() < self.signup_deadline

    @property
    def has_ended(self) -> bool:
        return timezone.now() >= self.ends_at

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            photos=list(self.photos.select_related("image")),
            homes=BulletinHomePage.switcher(),
            cache_timeout=timeout_until_next_change(events=[self]),
        )
        return context

class EventPhoto(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("photo"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
    api_fields = [
        APIField("caption"),
        APIField("url", serializer=serializers.CharField(source="image.file.url", read_only=True)),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
