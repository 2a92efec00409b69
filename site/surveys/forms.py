"""Forms of surveys: the owner's answers, staff entry, a visit, a case review, the report filters."""

from __future__ import annotations

from archives.models import Household
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estatedesk.guard import HoneypotForm
from estates.models import Estate, House
from estates.scoping import scope_queryset
from servicedesk.models import Ticket

from surveys import periods
from surveys.models import CaseReview, Figure, QuarterlyVisit, Question, Response

RATINGS = [(str(n), str(n)) for n in range(5, 0, -1)]
YES_NO = [("yes", pgettext_lazy("answer", "yes")), ("no", pgettext_lazy("answer", "no"))]


def add_question_fields(form: forms.Form, questions, response: Response | None) -> None:
    """One field per question (``q<id>``), filled with the household's earlier answers."""
    earlier = {a.question_id: a for a in response.answers.all()} if response else {}
    for question in questions:
        name, answer = f"q{question.pk}", earlier.get(question.pk)
        if question.kind == Question.Kind.RATING:
            field = forms.ChoiceField(choices=RATINGS, widget=forms.RadioSelect, required=question.required,
                                      help_text=_("5 very satisfied … 1 very dissatisfied"))
            initial = str(answer.rating) if answer and answer.rating else None
        elif question.kind == Question.Kind.YES_NO:
            field = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, required=question.required)
            initial = None if not answer or answer.yes_no is None else ("yes" if answer.yes_no else "no")
        else:
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=question.required)
            initial = answer.text if answer else None
        field.label = question.text
        field.initial = initial
        form.fields[name] = field


def question_values(form: forms.Form, questions) -> dict:
    return {q.pk: form.cleaned_data.get(f"q{q.pk}") for q in questions}


class AnswerForm(HoneypotForm):
    def __init__(self, *args, questions, response=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_question_fields(self, questions, response)


class StaffEntryForm(forms.Form):
    household = forms.ModelChoiceField(label=_("household"), queryset=Household.objects.none())
    channel = forms.ChoiceField(label=_("channel"), choices=[(Response.Channel.PHONE, Response.Channel.PHONE.label),
                                                             (Response.Channel.DOOR, Response.Channel.DOOR.label)])

    def __init__(self, *args, survey, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = (
            Household.objects.filter(house__building__estate=survey.estate, house__status=House.Status.OCCUPIED)
            .select_related("house__building").order_by("house__building__name", "house__unit", "house__room"))
        add_question_fields(self, questions, None)


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(label=_("visited at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    method = forms.ChoiceField(label=_("how"), choices=QuarterlyVisit.Method.choices, widget=forms.RadioSelect)
    answered_by = forms.CharField(label=_("who answered"), max_length=50)
    satisfaction = forms.TypedChoiceField(label=_("satisfaction (1–5)"), choices=RATINGS, coerce=int,
                                          widget=forms.RadioSelect)
    remarks = forms.CharField(label=_("owner's remarks"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                              required=False)
    ticket_kind = forms.ChoiceField(
        label=_("open a ticket"), required=False,
        choices=[("", _("no ticket")), (Ticket.Kind.REPAIR, Ticket.Kind.REPAIR.label),
                 (Ticket.Kind.COMPLAINT, Ticket.Kind.COMPLAINT.label), (Ticket.Kind.SUGGESTION, Ticket.Kind.SUGGESTION.label)])
    ticket_description = forms.CharField(label=_("the matter to take in"), widget=forms.Textarea(attrs={"rows": 2}),
                                         max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
        super().__init__(*args, **kwargs)


class CaseReviewForm(forms.ModelForm):
    class Meta:
        model = CaseReview
        fields = ["cause", "what_was_done", "prevention", "lessons"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("what_was_done", "prevention", "lessons")}


class PeriodField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Period"))
        kwargs.setdefault("help_text", _("2026-07, 2026-Q3 or 2026"))
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return periods.parse(value) if value else None


class _EstateForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none(), required=False,
                                    empty_label=_("All my estates"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = scope_queryset(Estate.objects.order_by("code"), user)

    def estates(self):
        estate = self.cleaned_data.get("estate") if self.is_bound and self.is_valid() else None
        return [estate] if estate else list(self.fields["estate"].queryset)


class ScorecardForm(_EstateForm):
    period = PeriodField(required=False)
    by = forms.ChoiceField(label=_("Rows"), required=False,
                           choices=[("estate", _("per estate")), ("person", _("per clerk or steward"))])
    trend = forms.ChoiceField(label=_("Trend of"), required=False, choices=Figure.choices)


class CaseFilterForm(_EstateForm):
    cause = forms.ChoiceField(label=_("cause category"), required=False,
                              choices=[("", _("all causes")), *CaseReview.Cause.choices])
    period = PeriodField(required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class VisitFilterForm(_EstateForm):
    quarter = PeriodField(required=False, label=_("quarter"), help_text=_("2026-Q3"))
    state = forms.ChoiceField(label=_("status"), required=False, choices=[
        ("", _("all")), ("due", _("due")), ("overdue", _("overdue")), ("done", _("done"))])
    mine = forms.BooleanField(label=_("only mine"), required=False)

    def clean_quarter(self):
        value = self.cleaned_data.get("quarter")
        if value is not None and value.kind != periods.QUARTER:
            raise ValidationError(_("Give the quarter as 2026-Q3."))
        return value
