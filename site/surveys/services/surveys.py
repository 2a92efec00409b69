"""Writes of surveys: invitations, answers (owner's link or staff entry), follow-ups of low answers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import House
from notifications.services import notify
from servicedesk.models import Ticket
from servicedesk.services import ticket_intake

from surveys.models import Answer, QuarterlyVisit, Question, Response, Survey
from surveys.periods import quarter_of
from surveys.services.common import household_contact, require
from surveys.tokens import make_token


def survey_link(*, survey: Survey, household) -> str:
    path = reverse("surveys_answer", args=[make_token(survey=survey, household=household)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def invitation_households(survey: Survey):
    from archives.models import Household

    return (Household.objects.filter(house__building__estate=survey.estate, house__status=House.Status.OCCUPIED)
            .select_related("house__building").order_by("pk"))


def survey_invite(*, survey: Survey) -> int:
    """Send each occupied household of the estate its personal link by SMS (once per household:
    the message key makes a second run send nothing). Returns how many messages exist for it."""
    sent = 0
    for household in invitation_households(survey):
        contact = household_contact(household)
        if contact is None:
            continue
        notify(
            to=contact.mobile, template="survey_invite", channel="sms", estate=survey.estate,
            key=f"survey-invite:{survey.pk}:{household.pk}",
            context={"estate": survey.estate.name, "title": survey.title, "url": survey_link(survey=survey, household=household),
                     "closes_at": timezone.localtime(survey.closes_at)},
        )
        sent += 1
    return sent


def _clean_value(question: Question, value):
    """The stored form of one answer, or a translated error."""
    if value in (None, ""):
        if question.required:
            raise ValidationError(_("Answer this question."))
        return None
    if question.kind == Question.Kind.RATING:
        try:
            rating = int(value)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError(_("Choose a rating from 1 to 5."))
        return rating
    if question.kind == Question.Kind.YES_NO:
        if value in (True, "yes", "1", "true"):
            return True
        if value in (False, "no", "0", "false"):
            return False
        raise ValidationError(_("Answer yes or no."))
    text = str(value).strip()
    if len(text) > 2000:
        raise ValidationError(_("Keep the answer under 2000 characters."))
    return text or None


def response_save(*, survey: Survey, household, values: dict, channel: str, by=None, now=None) -> Response:
    """Record (or change) the household's answers. ``values`` maps question ids to values.

    One response per household: the unique constraint stops a second insert, so of two
    concurrent first submits one creates the row and the other finds it and updates it under
    the row lock. Nothing is written unless every answer is valid. ``by`` is None for the
    owner's own link; staff entering from a phone call or a door visit need ``add_response``.
    """
    now = now or timezone.now()
    if by is not None:
        require(by, "surveys.add_response", survey)
    if household.house.building.estate_id != survey.estate_id:
        raise ValidationError(_("This household is not in the survey's estate."))
    if not survey.is_open(now):
        raise ValidationError(_("This survey is closed."))
    questions = list(survey.questions.all())
    cleaned, errors = {}, {}
    for question in questions:
        try:
            cleaned[question.pk] = _clean_value(question, values.get(question.pk))
        except ValidationError as exc:
            errors[f"q{question.pk}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if channel not in Response.Channel.values:
        raise ValidationError(_("Choose how the answers were given."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                response, created = Response.objects.get_or_create(
                    survey=survey, household=household,
                    defaults={"channel": channel, "submitted_at": now, "updated_at": now, "entered_by": by},
                )
        except IntegrityError:
            # A concurrent first submit inserted it between our read and our insert.
            response, created = Response.objects.get(survey=survey, household=household), False
        response = Response.objects.select_for_update().get(pk=response.pk)
        if not created:
            response.updated_at, response.channel = now, channel
            if by is not None:
                response.entered_by = by
            response.save(update_fields=["updated_at", "channel", "entered_by"])
        for question in questions:
            value = cleaned[question.pk]
            fields = {"rating": None, "yes_no": None, "text": ""}
            if value is None:
                Answer.objects.filter(response=response, question=question).delete()
                continue
            key = {"rating": "rating", "yes_no": "yes_no", "text": "text"}[question.kind]
            fields[key] = value
            Answer.objects.update_or_create(response=response, question=question, defaults=fields)
    return response


def _locked_answer(answer: Answer) -> Answer:
    return Answer.objects.select_for_update().select_related(
        "response__household__house__building__estate", "question", "response__survey").get(pk=answer.pk)


def answer_open_complaint(*, answer: Answer, by) -> Ticket:
    """Open a general complaint for a low answer through the desk's intake (once per answer)."""
    require(by, "servicedesk.add_ticket", answer)
    require(by, "surveys.view_survey")
    with transaction.atomic():
        answer = _locked_answer(answer)
        if answer.ticket_id:
            return answer.ticket
        if not answer.is_low:
            raise ValidationError(_("Only answers of 1 or 2 open a complaint from here."))
        household = answer.response.household
        contact = household_contact(household)
        if contact is None:
            raise ValidationError(_("The household has no contact mobile: record the complaint at the desk."))
        description = _("Survey “%(survey)s”: %(question)s — rated %(rating)s.") % {
            "survey": answer.response.survey.title, "question": answer.question.text, "rating": answer.rating}
        remarks = Answer.objects.filter(response=answer.response, question__kind=Question.Kind.TEXT).exclude(text="")
        for remark in remarks:
            description += "\n" + remark.text
        ticket = ticket_intake(
            estate=household.house.building.estate, kind=Ticket.Kind.COMPLAINT, severity=Ticket.Severity.GENERAL,
            contact_name=contact.name, contact_mobile=contact.mobile, description=description,
            house=household.house, channel=Ticket.Channel.PHONE, by=by,
        )
        answer.ticket = ticket
        answer.save(update_fields=["ticket"])
    return ticket


def answer_plan_visit(*, answer: Answer, by, today=None) -> QuarterlyVisit:
    """Plan a return visit of this quarter for the household of a low answer (once per answer;
    a visit already planned for the quarter is the one linked)."""
    require(by, "surveys.add_quarterlyvisit", answer)
    today = today or timezone.localdate()
    with transaction.atomic():
        answer = _locked_answer(answer)
        if answer.visit_id:
            return answer.visit
        if not answer.is_low:
            raise ValidationError(_("Only answers of 1 or 2 plan a return visit from here."))
        household = answer.response.household
        quarter = quarter_of(today)
        visit, _created = QuarterlyVisit.objects.get_or_create(
            household=household, quarter=quarter.start,
            defaults={"estate": household.house.building.estate, "due_on": quarter.end - timedelta(days=1),
                      "origin": QuarterlyVisit.Origin.SURVEY, "assignee": household.steward},
        )
        answer.visit = visit
        answer.save(update_fields=["visit"])
    return visit
