"""Demo surveys (load_demo): a satisfaction survey per estate with answers (some low, one opened
as a complaint), the quarter's return visits planned and partly recorded, reviewed cases."""

from __future__ import annotations

import random
from datetime import timedelta

from archives.models import Household
from django.contrib.auth import get_user_model
from django.utils import timezone
from estates.models import House
from servicedesk.models import Ticket

from surveys import services
from surveys.models import Area, CaseReview, QuarterlyVisit, Question, Response, Survey

QUESTIONS = [
    (Question.Kind.RATING, Area.CUSTOMER_SERVICE, "您对客服中心的接待与答复满意吗？"),
    (Question.Kind.RATING, Area.REPAIRS, "您对报修的响应速度和维修质量满意吗？"),
    (Question.Kind.RATING, Area.SECURITY, "您对小区的安全秩序满意吗？"),
    (Question.Kind.RATING, Area.CLEANING, "您对公共区域的保洁满意吗？"),
    (Question.Kind.RATING, Area.LANDSCAPING, "您对绿化养护满意吗？"),
    (Question.Kind.RATING, Area.FEES, "您对收费的公开透明满意吗？"),
    (Question.Kind.YES_NO, Area.GENERAL, "您愿意向亲友推荐我们的物业服务吗？"),
    (Question.Kind.TEXT, Area.GENERAL, "您对我们还有什么意见或建议？"),
]
REMARKS = ["希望增加夜间巡逻", "电梯保养请提前通知", "绿化很好，谢谢", "快递柜不够用", ""]
CASES = [
    (CaseReview.Cause.DELAY, "当日上门维修并致歉", "维修派单超过4小时未接单自动提醒主管", "首次响应要快"),
    (CaseReview.Cause.NEIGHBOUR, "上门协调，约定装修施工时间", "装修登记时书面告知施工时间规定", "先倾听再协调"),
    (CaseReview.Cause.ATTITUDE, "主管致电道歉，对当事员工培训", "每月开展服务礼仪培训", "服务用语规范"),
]


def _weighted_rating(rng: random.Random) -> int:
    return rng.choices([5, 4, 3, 2, 1], weights=[55, 30, 9, 4, 2])[0]


def load(*, estates, seed):
    rng = random.Random(seed + 17)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["clerk", "supervisor"])}
    now = timezone.now()
    for estate in estates[:2]:
        survey = Survey.objects.create(
            estate=estate, title=f"{timezone.localdate():%Y}年第{(timezone.localdate().month - 1) // 3 + 1}季度业主满意度调查",
            opens_on=timezone.localdate() - timedelta(days=10), closes_at=now + timedelta(days=20),
            intro="为持续改进服务，请您抽出两分钟评价我们的工作。",
        )
        questions = Question.objects.bulk_create(
            Question(survey=survey, kind=kind, area=area, text=text, sort_order=i, required=kind != Question.Kind.TEXT)
            for i, (kind, area, text) in enumerate(QUESTIONS)
        )
        households = list(
            Household.objects.filter(house__building__estate=estate, house__status=House.Status.OCCUPIED)
            .select_related("house__building").order_by("pk")[:80]
        )
        for household in rng.sample(households, k=len(households) // 3):
            values = {}
            for q in questions:
                if q.kind == Question.Kind.RATING:
                    values[q.pk] = _weighted_rating(rng)
                elif q.kind == Question.Kind.YES_NO:
                    values[q.pk] = rng.random() < 0.9
                else:
                    values[q.pk] = rng.choice(REMARKS)
            services.response_save(survey=survey, household=household, values=values,
                                   channel=rng.choice([Response.Channel.LINK, Response.Channel.PHONE]))
        services.visits_plan(estates=[estate])
        clerk = users.get("clerk")
        visits = list(QuarterlyVisit.objects.filter(estate=estate, visited_at__isnull=True).order_by("pk")[:40])
        for visit in rng.sample(visits, k=len(visits) // 2):
            # Demo rows stand for visits made over the last days; the service's rules still apply.
            by = visit.assignee or clerk
            if by is None or not by.has_perm("surveys.record_quarterlyvisit"):
                continue
            services.visit_record(
                visit=visit, by=by, visited_at=now - timedelta(days=rng.randint(0, 8), hours=rng.randint(0, 8)),
                method=rng.choice(QuarterlyVisit.Method.values), answered_by="业主本人",
                satisfaction=_weighted_rating(rng), remarks=rng.choice(REMARKS))
    supervisor = users.get("supervisor")
    if supervisor is None:
        return
    closed = Ticket.objects.filter(kind=Ticket.Kind.COMPLAINT, status=Ticket.Status.CLOSED,
                                   estate__in=supervisor.estate_memberships.values("estate"))
    for ticket, (cause, done, prevention, lessons) in zip(closed.order_by("pk"), CASES, strict=False):
        services.case_review_save(ticket=ticket, by=supervisor, cause=cause, what_was_done=done,
                                  prevention=prevention, lessons=lessons)
