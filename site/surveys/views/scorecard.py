"""The scorecard page and its export (surveys.scorecard computes; this view parses and draws)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from estatedesk.charts import Chart, Series
from spreadsheets.writing import export_response

from surveys import forms, periods, scorecard
from surveys.models import Figure
from surveys.views.common import require_perm, with_format

PERM = "surveys.view_scorecard"


def trend_chart(*, trend, code: str, chart_id: str, title: str) -> Chart:
    """The estates' total of one figure over the periods of ``trend`` with its target dashed."""
    values = [row.scores[code].value for _p, row in trend]
    last_target = next((row.scores[code].target for _p, row in reversed(trend) if row.scores[code].target is not None), None)
    return Chart(
        id=chart_id, title=title, labels=[p.label for p, _r in trend],
        series=[Series(name=str(Figure(code).label), data=[float(v) if v is not None else None for v in values],
                       target=float(last_target) if last_target is not None else None)],
        min=0, max=None if code in scorecard.AVERAGES else 100,
    )


def score_table(rows, *, by_person: bool) -> tuple[list[str], list[list]]:
    codes = list(rows[0].scores) if rows else [c for c in Figure.values if not by_person or c in scorecard.PER_PERSON]
    header = [_("Estate")] + ([_("Clerk or steward")] if by_person else [])
    for code in codes:
        label = str(Figure(code).label)
        header += [label, f"{label} · {_('numerator')}", f"{label} · {_('denominator')}", f"{label} · {_('target')}",
                   f"{label} · {_('met')}"]
    body = []
    for row in rows:
        line = [row.estate.name if row.estate else _("All estates shown")] + ([row.person_name] if by_person else [])
        for code in codes:
            s = row.scores[code]
            met = "" if s.met is None else (_("yes") if s.met else _("no"))
            line += [s.value, s.num if s.den else "", s.den if s.den else "", s.target, met]
        body.append(line)
    return header, body


@login_required
def scorecard_view(request):
    require_perm(request.user, PERM)
    form = forms.ScorecardForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    context = {"header_title": _("Scorecard"), "header_icon": "order", "form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "surveys/admin/scorecard.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    period = data.get("period") or periods.of_kind(periods.MONTH, today)
    by_person = data.get("by") == "person"
    code = data.get("trend") or Figure.SURVEY_SATISFACTION
    estates = form.estates()
    rows = scorecard.scorecard(user=request.user, estates=estates, period=period)
    people = scorecard.scorecard(user=request.user, estates=estates, period=period, by_person=True) if by_person else []
    totals = scorecard.total(rows) if len(rows) > 1 else None
    if request.GET.get("format") == "xlsx":
        header, body = score_table([*rows, *([totals] if totals else [])], by_person=False)
        if by_person:
            header2, body2 = score_table(people, by_person=True)
            body += [[], header2, *body2]
        return export_response(fmt="xlsx", headers=header, rows=body, title=period.label,
                               filename=f"scorecard-{period.label}")
    trend = scorecard.trend(user=request.user, estates=estates, period=period)
    context.update({
        "period": period, "rows": rows, "people": people, "totals": totals, "by_person": by_person,
        "figures": Figure.choices, "per_person": scorecard.PER_PERSON,
        "chart": trend_chart(trend=trend, code=code, chart_id="scorecard-trend",
                             title=_("%(figure)s, last 12 periods") % {"figure": Figure(code).label}),
        "causes": scorecard.top_causes(estates=estates, period=period),
        "xlsx_query": with_format(request.GET, "xlsx"),
    })
    return render(request, "surveys/admin/scorecard.html", context)
