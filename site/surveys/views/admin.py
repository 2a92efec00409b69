"""Admin views of surveys: a survey's results and export, the invitations, staff entry of
answers, and the one-click follow-ups of a low answer. Views parse and call services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from estatedesk.queue import DEFERRED, enqueue
from estates.scoping import scope_queryset
from spreadsheets.writing import export_response
from wagtail.admin import messages

from surveys import forms, selectors, services, tasks
from surveys.models import Answer, Survey
from surveys.views.common import add_service_errors, require_perm


def _survey_for(user, pk: int) -> Survey:
    require_perm(user, "surveys.view_survey")
    return get_object_or_404(scope_queryset(Survey.objects.select_related("estate"), user), pk=pk)


def _results_page(request, survey: Survey, *, status: int = 200):
    results = selectors.survey_results(survey=survey)
    user = request.user
    return render(request, "surveys/admin/results.html", {
        "header_title": survey.title, "header_icon": "list-ul", "survey": survey, "results": results,
        "can_invite": user.has_perm("surveys.change_survey"), "can_enter": user.has_perm("surveys.add_response"),
        "can_complain": user.has_perm("servicedesk.add_ticket"), "can_plan": user.has_perm("surveys.add_quarterlyvisit"),
    }, status=status)


@login_required
def survey_results_view(request, pk: int):
    survey = _survey_for(request.user, pk)
    if request.GET.get("format") == "xlsx":
        header, rows = selectors.results_table(survey=survey, results=selectors.survey_results(survey=survey))
        # The one spreadsheet writer (formula escaping); no personal data in the results.
        return export_response(fmt="xlsx", headers=header, rows=rows, title=_("Results"),
                               filename=f"survey-{survey.pk}-results")
    return _results_page(request, survey)


@login_required
@require_POST
def survey_invite_view(request, pk: int):
    survey = _survey_for(request.user, pk)
    require_perm(request.user, "surveys.change_survey")
    if not survey.is_open():
        messages.error(request, _("This survey is closed."))
        return _results_page(request, survey, status=400)
    # Hundreds of messages: a Huey task (sent once per household whatever the number of clicks).
    outcome = enqueue(tasks.send_survey_invitations, survey.pk)
    messages.success(request, _("The links are being sent.") if outcome != DEFERRED
                     else _("The queue is down: the links will be sent within minutes."))
    return redirect("surveys_results", pk=survey.pk)


@login_required
def survey_enter_view(request, pk: int):
    survey = _survey_for(request.user, pk)
    require_perm(request.user, "surveys.add_response")
    questions = list(survey.questions.all())
    form = forms.StaffEntryForm(request.POST or None, survey=survey, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.response_save(survey=survey, household=form.cleaned_data["household"],
                                       channel=form.cleaned_data["channel"], by=request.user,
                                       values=forms.question_values(form, questions))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The answers are recorded."))
                return redirect("surveys_enter", pk=survey.pk)
        status = 400
    return render(request, "surveys/admin/enter.html", {
        "header_title": _("Enter answers: %(title)s") % {"title": survey.title}, "header_icon": "edit",
        "survey": survey, "form": form,
    }, status=status)


@login_required
@require_POST
def answer_followup_view(request, pk: int, action: str):
    require_perm(request.user, "surveys.view_survey")
    answers = scope_queryset(Answer.objects.select_related("response__survey"), request.user)
    answer = get_object_or_404(answers, pk=pk)
    try:
        if action == "complaint":
            ticket = services.answer_open_complaint(answer=answer, by=request.user)
            messages.success(request, _("Complaint %(number)s opened.") % {"number": ticket.number})
        elif action == "visit":
            visit = services.answer_plan_visit(answer=answer, by=request.user)
            messages.success(request, _("Return visit planned for %(quarter)s.") % {"quarter": visit.quarter_label})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _results_page(request, answer.response.survey, status=400)
    return redirect("surveys_results", pk=answer.response.survey_id)


