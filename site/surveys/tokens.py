"""The owner's personal survey link: a signed, expiring token per (survey, household).

Signed with the site's secret and a salt of its own, so a link of one household cannot be turned
into another's (the household id is inside the signature) and no link of another feature reads
as a survey link. The token expires when the survey closes (``max_age``) and the answer is kept
one per household by the database, so a link used again edits the same answer.
"""

from __future__ import annotations

from archives.models import Household
from django.core import signing
from django.utils import timezone

from surveys.models import Survey

SALT = "surveys.link.v1"


class LinkInvalid(Exception):
    """Tampered with, or not a survey link."""


class LinkExpired(Exception):
    """Genuine, but its survey is closed (or the link outlived its max age)."""


def make_token(*, survey, household) -> str:
    return signing.dumps({"s": survey.pk, "h": household.pk}, salt=SALT, compress=True)


def read_token(token: str):
    """The (survey, household) a token names; ``LinkInvalid`` or ``LinkExpired`` otherwise."""
    try:
        # max_age bounds any link to a year even if a survey were reopened for longer.
        data = signing.loads(token, salt=SALT, max_age=366 * 24 * 3600)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict):
        raise LinkInvalid
    survey = Survey.objects.select_related("estate").filter(pk=data.get("s")).first()
    household = Household.objects.select_related("house__building").filter(pk=data.get("h")).first()
    if survey is None or household is None or household.house.building.estate_id != survey.estate_id:
        raise LinkInvalid
    if timezone.now() >= survey.closes_at:
        raise LinkExpired
    return survey, household
