"""The bulletin's models, by sub-domain: the page tree (``pages``) and the event sign-ups with
their satisfaction and return visits (``signups``). Every model is imported here, so
``bulletin.models.X`` keeps working for the app, its migrations and Django's model registry."""

from bulletin.cache import DEFAULT_CACHE_SECONDS
from bulletin.models.pages import (
    RICH_TEXT_FEATURES,
    BilingualMixin,
    BulletinHomePage,
    BulletinIndexPage,
    Category,
    EstatePageMixin,
    EventIndexPage,
    EventPage,
    EventPhoto,
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    wants_english,
)
from bulletin.models.signups import FEEDBACK_WINDOW, EventFeedback, EventReturnVisit, EventSignup

__all__ = [
    "DEFAULT_CACHE_SECONDS",
    "FEEDBACK_WINDOW",
    "RICH_TEXT_FEATURES",
    "BilingualMixin",
    "BulletinHomePage",
    "BulletinIndexPage",
    "Category",
    "EstatePageMixin",
    "EventFeedback",
    "EventIndexPage",
    "EventPage",
    "EventPhoto",
    "EventReturnVisit",
    "EventSignup",
    "NoticeAttachment",
    "NoticeIndexPage",
    "NoticePage",
    "wants_english",
]
