"""Demo tickets: a handful of each kind in various states, on the real clocks (load_demo)."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from estates.models import House

from servicedesk import services
from servicedesk.models import Ticket

REPAIRS = ["厨房水龙头漏水", "卫生间下水道堵塞", "客厅灯不亮", "入户门锁损坏", "阳台窗户关不严"]
COMPLAINTS = [("general", "楼上装修噪音太大"), ("major", "地下车库积水，车辆受损"), ("urgent", "电梯困人，半小时无人处理")]
SUGGESTIONS = ["建议在北门增设快递柜", "建议延长游泳池开放时间"]
ENQUIRIES = ["物业费可以按年缴纳吗？", "装修需要办理哪些手续？"]
NAMES = ["王先生", "李女士", "张先生", "刘女士", "陈先生", "杨女士"]


class _Desk:
    """The demo desk of one estate: who records, who repairs, which houses."""

    def __init__(self, *, estate, clerk, worker, houses, rng, now):
        self.estate, self.clerk, self.worker, self.houses, self.rng, self.now = estate, clerk, worker, houses, rng, now

    def intake(self, kind, text, hours_ago, severity="", channel=Ticket.Channel.PHONE):
        return services.ticket_intake(
            estate=self.estate, kind=kind, severity=severity, channel=channel, house=self.rng.choice(self.houses),
            contact_name=self.rng.choice(NAMES), contact_mobile=f"13{self.rng.randint(100000000, 999999999)}",
            description=text, received_at=self.now - timedelta(hours=hours_ago), by=self.clerk,
        )

    def dispatch(self, ticket):
        services.ticket_dispatch(
            ticket=ticket, assignee=self.worker, contractor="" if self.worker else "鑫达维修公司", by=self.clerk
        )


def load(*, estates, seed):
    rng = random.Random(seed)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "maintenance", "clerk_b"])}
    now = timezone.now()
    for estate in estates:
        clerk = users.get("clerk") if estate.code == "HYY" else users.get("clerk_b")
        houses = list(House.objects.filter(building__estate=estate).order_by("pk")[:40])
        if clerk is None or not houses:
            continue
        desk = _Desk(
            estate=estate, clerk=clerk, worker=users.get("maintenance") if estate.code == "HYY" else None,
            houses=houses, rng=rng, now=now,
        )
        intake, dispatch = desk.intake, desk.dispatch
        # Repairs: new, dispatched, in progress (late), done (waiting for the visit), closed.
        intake(Ticket.Kind.REPAIR, REPAIRS[0], 2)
        dispatch(intake(Ticket.Kind.REPAIR, REPAIRS[1], 6))
        late = intake(Ticket.Kind.REPAIR, REPAIRS[2], 60)
        dispatch(late)
        services.ticket_start(ticket=late, by=clerk)
        waiting = intake(Ticket.Kind.REPAIR, REPAIRS[3], 20)
        dispatch(waiting)
        services.ticket_start(ticket=waiting, by=clerk)
        services.ticket_done(ticket=waiting, result="已更换锁芯", by=clerk)
        closed = intake(Ticket.Kind.REPAIR, REPAIRS[4], 30, channel=Ticket.Channel.WECHAT)
        dispatch(closed)
        services.ticket_start(ticket=closed, by=clerk)
        services.ticket_done(ticket=closed, result="已调整窗扇合页", by=clerk)
        services.ticket_return_visit(ticket=closed, satisfaction=5, comment="师傅很专业", owner_confirmed=True, by=clerk)
        services.ticket_close(ticket=closed, by=clerk)
        # Complaints: one of each severity, the general one already answered.
        for severity, text in COMPLAINTS:
            complaint = intake(Ticket.Kind.COMPLAINT, text, 3, severity=severity)
            if severity == "general":
                services.ticket_feedback(ticket=complaint, note="已与装修户沟通，限定施工时间", by=clerk)
                services.ticket_start(ticket=complaint, by=clerk)
                services.ticket_done(ticket=complaint, result="装修户承诺中午和晚上不施工", by=clerk)
        # Suggestions and enquiries: one answered, one waiting.
        answered = intake(Ticket.Kind.SUGGESTION, SUGGESTIONS[0], 40, channel=Ticket.Channel.WEB)
        services.ticket_done(ticket=answered, result="采纳，下月安装", adopted=True, by=clerk)
        intake(Ticket.Kind.SUGGESTION, SUGGESTIONS[1], 10)
        enquiry = intake(Ticket.Kind.ENQUIRY, ENQUIRIES[0], 1)
        services.ticket_done(ticket=enquiry, result="可以，按年缴纳无优惠", by=clerk)
        services.ticket_close(ticket=enquiry, by=clerk)
        intake(Ticket.Kind.ENQUIRY, ENQUIRIES[1], 0)
