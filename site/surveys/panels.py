"""Workbench panels (the admin's home page, ``construct_homepage_panels``).

- The estate manager's KPI tiles: the month's repair timeliness, survey satisfaction, collection
  rate, complaint resolution and suggestion reply rate for the user's estates, each with its
  12-month trend and linking to its listing, and the month's comparison between estates.
- A steward's or clerk's quarterly return visits that are due, linking to the filtered list.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from estatedesk.charts import Chart, Series
from estates.models import Estate
from estates.scoping import scope_queryset
from wagtail.admin.ui.components import Component

from surveys import periods, scorecard
from surveys.models import Figure
from surveys.selectors import visible_visits
from surveys.views.scorecard import trend_chart

#: Where each headline figure's underlying records are listed.
LISTINGS = {
    Figure.REPAIR_TIMELINESS: ("wagtailsnippets_servicedesk_ticket:list", "?kind=repair"),
    Figure.SURVEY_SATISFACTION: ("wagtailsnippets_surveys_survey:list", ""),
    Figure.COLLECTION_RATE: ("surveys_scorecard", "?trend=collection_rate"),
    Figure.COMPLAINT_RESOLUTION: ("wagtailsnippets_servicedesk_ticket:list", "?kind=complaint"),
    Figure.SUGGESTION_REPLY: ("wagtailsnippets_servicedesk_ticket:list", "?kind=suggestion"),
}


class ManagerKpiPanel(Component):
    name = "surveys_kpis"
    order = 60

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        estates = list(scope_queryset(Estate.objects.order_by("code"), self.user))
        month = periods.of_kind(periods.MONTH, timezone.localdate())
        trend = scorecard.trend(user=self.user, estates=estates, period=month)
        current = trend[-1][1]
        tiles = []
        for code in scorecard.HEADLINE:
            url_name, query = LISTINGS[code]
            tiles.append({
                "code": code, "score": current.scores[code], "url": reverse(url_name) + query,
                "chart": trend_chart(trend=trend, code=code, chart_id=f"kpi-{code}",
                                     title=_("%(figure)s, last 12 months") % {"figure": Figure(code).label}),
            })
        rows = scorecard.scorecard(user=self.user, estates=estates, period=month)
        comparison = None
        if len(rows) > 1:
            comparison = Chart(
                id="kpi-estates", title=_("%(month)s by estate") % {"month": month.label}, kind="bar",
                labels=[str(Figure(code).label) for code in scorecard.HEADLINE], min=0, max=100,
                series=[Series(name=row.estate.name, data=[
                    float(row.scores[code].value) if row.scores[code].value is not None else None
                    for code in scorecard.HEADLINE]) for row in rows],
            )
        return render_to_string("surveys/panels/kpis.html", {
            "month": month, "tiles": tiles, "comparison": comparison, "scorecard_url": reverse("surveys_scorecard"),
        })


class VisitsDuePanel(Component):
    name = "surveys_visits_due"
    order = 70

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        today = timezone.localdate()
        quarter = periods.quarter_of(today)
        mine = visible_visits(self.user).filter(assignee=self.user, visited_at__isnull=True)
        due = mine.filter(quarter=quarter.start).count()
        overdue = mine.filter(due_on__lt=today).count()
        return render_to_string("surveys/panels/visits_due.html", {
            "quarter": quarter, "due": due, "overdue": overdue,
            "due_url": reverse("surveys_visits") + f"?mine=on&state=due&quarter={quarter.label}",
            "overdue_url": reverse("surveys_visits") + "?mine=on&state=overdue",
        })
