"""Reads of the bulletin: listings, search, event figures. Published pages only for the public."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum, Value
from django.utils import timezone
from wagtail.models import Page, ReferenceIndex

from bulletin.cache import timeout_until_next_change  # noqa: F401 -- re-exported: the pages and the listings share it
from bulletin.models import (
    BulletinHomePage,
    EventFeedback,
    EventPage,
    EventSignup,
    NoticeAttachment,
    NoticePage,
)

#: DOMAIN.md: at least 10 % of participants get a return visit; satisfaction reaches 80 %.
RETURN_VISIT_TARGET = Decimal("0.10")
SATISFACTION_TARGET = Decimal("0.80")


def homes() -> list[BulletinHomePage]:
    """The estate switcher: every live estate home, one query."""
    return BulletinHomePage.switcher()


def sections_of(home: BulletinHomePage) -> dict:
    """The notice and event index under a home (by type, one query)."""
    return home.sections()


def current_notices(*, now=None) -> QuerySet[NoticePage]:
    """Published and not expired."""
    return NoticePage.objects.current(now=now)


def notices_for_listing(*, estate_id: int | None, category: str | None = None, now=None) -> QuerySet[NoticePage]:
    """Urgent first, then pinned, then the newest. Expired notices leave the listings."""
    return NoticePage.objects.for_listing(estate_id=estate_id, category=category, now=now)


def latest_notices_everywhere(*, limit: int = 10) -> QuerySet[NoticePage]:
    return NoticePage.objects.latest_everywhere(limit=limit)


def upcoming_events(*, estate_id: int | None, now=None) -> QuerySet[EventPage]:
    return EventPage.objects.upcoming(estate_id=estate_id, now=now)


def past_events(*, estate_id: int | None, now=None) -> QuerySet[EventPage]:
    return EventPage.objects.past(estate_id=estate_id, now=now)


def search_notices(*, query: str, estate_code: str | None = None, limit: int = 50) -> QuerySet[NoticePage]:
    """Across published notices (expired ones included, marked), in both languages."""
    query = (query or "").strip()[:100]
    if not query:
        return NoticePage.objects.none()
    qs = NoticePage.objects.live().select_related("estate").filter(
        Q(title__icontains=query) | Q(body__icontains=query)
        | Q(title_en__icontains=query) | Q(body_en__icontains=query)
    )
    if estate_code:
        qs = qs.filter(estate__code=estate_code)
    return qs.order_by("-first_published_at", "-pk")[:limit]


def signup_taken(*, event: EventPage) -> int:
    return EventSignup.objects.filter(event=event).aggregate(n=Sum("people"))["n"] or 0


def find_signup(*, event: EventPage, mobile: str) -> EventSignup | None:
    return EventSignup.objects.filter(event=event, mobile=mobile).first()


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class EventFigures:
    participants: int  # sign-ups (households)
    people: int
    return_visits: int
    return_visit_rate: Decimal | None
    return_visit_met: bool
    ratings: int
    satisfied: int
    satisfaction_rate: Decimal | None
    satisfaction_met: bool
    average_score: Decimal | None


def event_figures(*, event: EventPage) -> EventFigures:
    """Participants, return-visit rate (target 10 %) and satisfaction rate (target 80 %)."""
    return events_figures(events=EventPage.objects.filter(pk=event.pk))


def events_figures(*, events: QuerySet) -> EventFigures:
    """The same figures over several events (the scorecard: an estate's events of a period)."""
    signups = EventSignup.objects.filter(event__in=events).aggregate(
        n=Count("pk"), people=Sum("people"), visits=Count("return_visit"),
    )
    ratings = EventFeedback.objects.filter(signup__event__in=events).aggregate(
        n=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=EventFeedback.SATISFIED_FROM)), total=Sum("score"),
    )
    participants = signups["n"]
    visit_rate = _rate(signups["visits"], participants)
    satisfaction_rate = _rate(ratings["satisfied"], ratings["n"])
    average = (
        (Decimal(ratings["total"]) / Decimal(ratings["n"])).quantize(Decimal("0.01")) if ratings["n"] else None
    )
    return EventFigures(
        participants=participants,
        people=signups["people"] or 0,
        return_visits=signups["visits"],
        return_visit_rate=visit_rate,
        return_visit_met=visit_rate is not None and visit_rate >= RETURN_VISIT_TARGET,
        ratings=ratings["n"],
        satisfied=ratings["satisfied"],
        satisfaction_rate=satisfaction_rate,
        satisfaction_met=satisfaction_rate is not None and satisfaction_rate >= SATISFACTION_TARGET,
        average_score=average,
    )


def events_waiting_for_visits(events: QuerySet, *, now=None) -> QuerySet:
    """Events that are over, had participants and have not reached the return-visit target yet."""
    now = now or timezone.now()
    return (
        events.filter(ends_at__lte=now)
        .annotate(
            n_signups=Count("signups", distinct=True),
            n_visits=Count("signups__return_visit", distinct=True),
        )
        .filter(n_signups__gt=0)
        .filter(n_visits__lt=ExpressionWrapper(F("n_signups") * Value(float(RETURN_VISIT_TARGET)), output_field=FloatField()))
    )


def document_is_published(document) -> bool:
    """A document is public when a live page uses it: as a notice attachment, or linked from the
    content of a live page (Wagtail's reference index)."""
    if NoticeAttachment.objects.filter(document=document, page__live=True).exists():
        return True
    live_pages = Page.objects.live().values_list("pk", flat=True)
    return ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        to_content_type=ContentType.objects.get_for_model(type(document)),
        to_object_id=str(document.pk),
        object_id__in=[str(pk) for pk in live_pages],
    ).exists()
