"""Writes of the bulletin that have a rule: sign-ups, satisfaction, return visits, the page tree,
and the scheduled publishing sweep."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from estates import roles
from estates.models import Estate, House
from estates.personal_data import normalize_mobile, validate_mobile
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    ReferenceIndex,
    Revision,
    Site,
)

from bulletin import cache as page_cache
from bulletin.models import (
    FEEDBACK_WINDOW,
    BulletinHomePage,
    BulletinIndexPage,
    EventFeedback,
    EventIndexPage,
    EventPage,
    EventReturnVisit,
    EventSignup,
    NoticeIndexPage,
    NoticePage,
)

#: The roles that write the bulletin (docs/bulletin.md).
EDITOR_ROLES = [roles.SECRETARY, roles.ESTATE_MANAGER]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
MEDIA_PERMISSIONS = [
    ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
]


# --- The page tree ------------------------------------------------------------------------------
def bulletin_setup(*, estates=None) -> BulletinIndexPage:
    """Idempotent: the bulletin index as the default site's root, the editors' page and media
    permissions, and a home with a notice index and an event index for every estate."""
    index = BulletinIndexPage.objects.first()
    if index is None:
        if not Locale.objects.exists():  # a flushed test database has none
            Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(title="Root", slug="root")
        index = root.add_child(instance=BulletinIndexPage(title="公告栏 Bulletin", slug="bulletin"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=index, is_default_site=True, site_name="estatedesk")
    elif site.root_page_id != index.pk:
        site.root_page = index
        site.save()
    _grant_editor_permissions(index)
    for estate in Estate.objects.all() if estates is None else estates:
        estate_content_setup(estate=estate, index=index)
    return index


def estate_content_setup(*, estate: Estate, index: BulletinIndexPage | None = None) -> BulletinHomePage:
    """Idempotent: the estate's page tree and collection, and its pages' media moved from the
    shared root collection into it. Runs when an estate is created and after every migrate."""
    home = bulletin_home_for(estate=estate, index=index)
    collection = estate_collection_for(estate=estate)
    _move_shared_media_into(collection, home)
    return home


def estate_collection_for(*, estate: Estate) -> Collection:
    """The estate's collection, a child of the root collection (documents and images of its
    bulletin). The roles' media permissions on the root count only in their estates' collections
    (bulletin.permissions)."""
    if estate.collection_id is not None:
        return estate.collection
    with transaction.atomic():
        locked = Estate.objects.select_for_update().get(pk=estate.pk)
        if locked.collection_id is None:
            root = Collection.get_first_root_node() or Collection.add_root(name="Root")
            locked.collection = root.add_child(name=f"{estate.name} ({estate.code})")
            Estate.objects.filter(pk=estate.pk).update(collection=locked.collection)
    estate.collection = locked.collection  # the caller's instance knows it too
    return estate.collection


def _move_shared_media_into(collection: Collection, home: BulletinHomePage) -> None:
    """Documents and images still in the root collection that only this estate's pages use
    belong to this estate (data from before collections per estate)."""
    root = Collection.get_first_root_node()
    if root is None:
        return
    here = {str(pk) for pk in Page.objects.descendant_of(home, inclusive=True).values_list("pk", flat=True)}
    page_refs = ReferenceIndex.objects.filter(base_content_type=ContentType.objects.get_for_model(Page))
    for model in (get_document_model(), get_image_model()):
        refs = page_refs.filter(to_content_type=ContentType.objects.get_for_model(model)).values_list("object_id", "to_object_id")
        used_here, used_elsewhere = set(), set()
        for page_id, media_id in refs:
            (used_here if page_id in here else used_elsewhere).add(media_id)
        ids = [int(pk) for pk in used_here - used_elsewhere if pk.isdigit()]
        model.objects.filter(pk__in=ids, collection=root).update(collection=collection)


def _grant_editor_permissions(index: Page) -> None:
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    page_perms = list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS))
    media_perms = [
        p for p in Permission.objects.select_related("content_type").filter(codename__in=[c for _, c in MEDIA_PERMISSIONS])
        if (p.content_type.app_label, p.codename) in MEDIA_PERMISSIONS
    ]
    for group in Group.objects.filter(name__in=EDITOR_ROLES):
        for permission in page_perms:
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)
        for permission in media_perms:
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def bulletin_home_for(*, estate: Estate, index: BulletinIndexPage | None = None) -> BulletinHomePage:
    home = BulletinHomePage.objects.filter(estate=estate).first()
    if home is None:
        index = index or bulletin_setup(estates=[])
        home = index.add_child(instance=BulletinHomePage(
            title=f"{estate.name}公告栏", slug=slugify(estate.code) or f"estate-{estate.pk}", estate=estate,
        ))
    children = home.get_children().specific()
    if not any(isinstance(p, NoticeIndexPage) for p in children):
        home.add_child(instance=NoticeIndexPage(title="通知公告", slug="notices"))
    if not any(isinstance(p, EventIndexPage) for p in children):
        home.add_child(instance=EventIndexPage(title="社区活动", slug="events"))
    return home


def notice_index_of(home: BulletinHomePage) -> NoticeIndexPage:
    return NoticeIndexPage.objects.child_of(home).get()


def event_index_of(home: BulletinHomePage) -> EventIndexPage:
    return EventIndexPage.objects.child_of(home).get()


# --- Scheduled publishing and expiry ---------------------------------------------------------
EXPIRY_MARK_KEY = "bulletin:expiry-mark"


def bulletin_run_schedule(*, now=None) -> dict:
    """The periodic sweep (level-triggered): publish what is due (Wagtail's publish_scheduled,
    which also fires the publish signals that invalidate the cache) and, when a notice expired
    since the last sweep, invalidate the cached listings it must leave."""
    now = now or timezone.now()
    due = Revision.objects.filter(approved_go_live_at__lt=now).count()
    expired_pages = Page.objects.filter(live=True, expire_at__lt=now).count()
    if due or expired_pages:
        call_command("publish_scheduled", stdout=io.StringIO())
    latest_expiry = (
        NoticePage.objects.live().filter(expires_at__lte=now).order_by("-expires_at")
        .values_list("expires_at", flat=True).first()
    )
    expired_notice_flush = False
    if latest_expiry is not None:
        mark = latest_expiry.isoformat()
        if cache.get(EXPIRY_MARK_KEY) != mark:
            page_cache.invalidate()
            cache.set(EXPIRY_MARK_KEY, mark, timeout=None)
            expired_notice_flush = True
    return {"published": due, "unpublished": expired_pages, "expiry_invalidated": expired_notice_flush}


# --- Sign-ups -------------------------------------------------------------------------------
class SignupRejected(ValidationError):
    """A sign-up that breaks a rule; ``code`` says which (tests and the view read it)."""


def _lock_event(event: EventPage) -> EventPage:
    # The event row is the lock that makes "capacity holds" true under concurrent sign-ups:
    # on PostgreSQL a row lock; on SQLite the IMMEDIATE transaction already serialises writers.
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def signup_create(*, event: EventPage, name: str, house: House | int | None, mobile: str, people: int, now=None) -> EventSignup:
    """Sign a household up. Raises SignupRejected with a translated message and a code:
    closed, not_live, name, house, mobile, people, duplicate, full."""
    now = now or timezone.now()
    name = (name or "").strip()
    mobile = normalize_mobile(mobile)
    if not event.live:
        raise SignupRejected(_("This event is not published."), code="not_live")
    if now >= event.signup_deadline:
        raise SignupRejected(_("Sign-up for this event closed at the deadline."), code="closed")
    if not name or len(name) > 50:
        raise SignupRejected(_("Enter your name (at most 50 characters)."), code="name")
    house_id = house.pk if isinstance(house, House) else house
    if not house_id or not House.objects.filter(pk=house_id, building__estate_id=event.estate_id).exists():
        raise SignupRejected(_("Choose your house from this estate's houses."), code="house")
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        raise SignupRejected(exc.messages[0], code="mobile") from exc
    if not isinstance(people, int) or people < 1 or people > event.max_people_per_signup:
        raise SignupRejected(
            _("The number of people must be between 1 and %(most)d.") % {"most": event.max_people_per_signup},
            code="people",
        )
    try:
        with transaction.atomic():
            locked = _lock_event(event)
            if EventSignup.objects.filter(event=locked, mobile=mobile).exists():
                raise SignupRejected(_("This mobile number has already signed up for this event."), code="duplicate")
            taken = sum(EventSignup.objects.filter(event=locked).values_list("people", flat=True))
            left = locked.capacity - taken
            if people > left:
                if left <= 0:
                    raise SignupRejected(_("Sorry, this event is full."), code="full")
                raise SignupRejected(
                    _("Only %(left)d places are left; sign up fewer people.") % {"left": left}, code="full"
                )
            return EventSignup.objects.create(
                event=locked, name=name, house_id=house_id, mobile=mobile, people=people, created_at=now
            )
    except IntegrityError as exc:
        # The unique (event, mobile) constraint caught a race between two identical submissions.
        raise SignupRejected(_("This mobile number has already signed up for this event."), code="duplicate") from exc


def feedback_create(*, event: EventPage, mobile: str, score: int, comment: str = "", now=None) -> EventFeedback:
    """Satisfaction after the event, only from a mobile that signed up, once.
    Codes: not_ended, window, mobile, not_signed_up, score, duplicate."""
    now = now or timezone.now()
    mobile = normalize_mobile(mobile)
    if now < event.ends_at:
        raise SignupRejected(_("The satisfaction form opens when the event has ended."), code="not_ended")
    if now > event.ends_at + FEEDBACK_WINDOW:
        raise SignupRejected(_("The satisfaction form for this event has closed."), code="window")
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        raise SignupRejected(exc.messages[0], code="mobile") from exc
    signup = EventSignup.objects.filter(event=event, mobile=mobile).first()
    if signup is None:
        raise SignupRejected(
            _("Only those who signed up for this event can rate it; use the mobile you signed up with."),
            code="not_signed_up",
        )
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise SignupRejected(_("Choose a score from 1 to 5."), code="score")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise SignupRejected(_("The comment is too long (at most 2000 characters)."), code="comment")
    try:
        with transaction.atomic():
            return EventFeedback.objects.create(signup=signup, score=score, comment=comment, created_at=now)
    except IntegrityError as exc:
        raise SignupRejected(_("You have already rated this event. Thank you!"), code="duplicate") from exc


def return_visit_record(*, signup: EventSignup, by, note: str = "", visited_at=None) -> EventReturnVisit:
    """Record (or update) the return visit of a participant."""
    visit, _created = EventReturnVisit.objects.update_or_create(
        signup=signup, defaults={"by": by, "note": note, "visited_at": visited_at or timezone.now()},
    )
    return visit
