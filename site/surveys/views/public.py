"""The owner's survey page, reached through the personal link (surveys/urls.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from estatedesk.guard import public_form

from surveys import forms, services
from surveys.models import Response
from surveys.tokens import LinkExpired, LinkInvalid, read_token


def _refused(request, message: str, status: int):
    return render(request, "surveys/public/refused.html", {"message": message}, status=status)


# Rate limit and honeypot: the one public-form guard (estatedesk.guard) runs before this view.
@never_cache
@public_form("survey")
def answer_view(request, token: str):
    try:
        survey, household = read_token(token)
    except LinkExpired:
        return _refused(request, _("This survey is closed. Thank you for your interest."), 410)
    except LinkInvalid:
        return _refused(request, _("This link is not valid. Please use the link from your message."), 400)
    questions = list(survey.questions.all())
    response = Response.objects.filter(survey=survey, household=household).prefetch_related("answers").first()
    form = forms.AnswerForm(request.POST or None, questions=questions, response=response)
    context = {"survey": survey, "household": household, "form": form, "response": response}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.response_save(survey=survey, household=household, channel=Response.Channel.LINK,
                                       values=forms.question_values(form, questions))
            except ValidationError as exc:
                for key, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                    form.add_error(key if key in form.fields else None, errors)
            else:
                return render(request, "surveys/public/thanks.html", context)
        return render(request, "surveys/public/answer.html", context, status=400)
    return render(request, "surveys/public/answer.html", context)
