"""Demo bulletin: a home per estate with an urgent, a pinned, a bilingual and an expired notice,
and an upcoming event. Idempotent: a second run adds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bulletin.models import BulletinHomePage, Category, EventPage, NoticePage
from bulletin.services import bulletin_setup, event_index_of, notice_index_of


def _publish(parent, page, *, at=None):
    parent.add_child(instance=page)
    page.save_revision().publish()
    if at is not None:
        # A secretary publishes in office hours: the demo's notices carry a believable local time,
        # not whatever time of night the demo happened to be loaded.
        type(page).objects.filter(pk=page.pk).update(first_published_at=at, last_published_at=at)
    return page


def office_hours(now, *, hour: int, minute: int = 0):
    """The latest local working-day time at hour:minute that is not in the future."""
    local = timezone.localtime(now)
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while at > local or at.weekday() >= 5:
        at -= timedelta(days=1)
    return at


def evening(now, *, days: int, hour: int = 18, minute: int = 30):
    """hour:minute local time, days from today (Asia/Shanghai, not UTC)."""
    local = timezone.localtime(now) + timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def load(*, estates, seed: int) -> None:
    bulletin_setup(estates=estates)
    now = timezone.now().replace(second=0, microsecond=0)
    for estate in estates:
        home = BulletinHomePage.objects.get(estate=estate)
        notices = notice_index_of(home)
        if not NoticePage.objects.child_of(notices).exists():
            _publish(notices, NoticePage(
                title="紧急停水通知", slug="water-outage", category=Category.OUTAGE, urgent=True,
                body="<p>因供水管道抢修，3 栋、5 栋今日 13:00–18:00 停水，请提前储水。</p>",
                title_en="Urgent: water outage", body_en="<p>Buildings 3 and 5 have no water today, 13:00–18:00, for pipe repairs.</p>",
                expires_at=evening(now, days=2, hour=18, minute=0),
            ), at=office_hours(now, hour=9, minute=5))
            _publish(notices, NoticePage(
                title=f"{now.year}年物业服务收费公示", slug="fee-standards", category=Category.FEES, pinned=True,
                body="<p>物业管理费：2.80 元/㎡·月；地面停车费：150 元/月；地下车位管理费：80 元/月。收费依据：物业服务合同及当地价格主管部门核定标准。</p>",
            ), at=office_hours(now, hour=9, minute=30))
            _publish(notices, NoticePage(
                title="中秋节祝福", slug="mid-autumn-greeting", category=Category.FESTIVAL,
                body="<p>花好月圆，祝全体业主中秋快乐、阖家幸福！</p>",
                title_en="Happy Mid-Autumn Festival", body_en="<p>Warm wishes to every household for the Mid-Autumn Festival.</p>",
            ), at=office_hours(now, hour=10, minute=0))
            _publish(notices, NoticePage(
                title="电梯年检通知", slug="lift-inspection", category=Category.SAFETY,
                body="<p>电梯年检已于上月完成，本通知已过期，仅供查阅。</p>",
                expires_at=evening(now, days=-3, hour=17, minute=0),
            ), at=office_hours(now - timedelta(days=30), hour=14, minute=0))
        events = event_index_of(home)
        if not EventPage.objects.child_of(events).exists():
            # After dinner, local time (the owners asked for it: see "opinions" below).
            starts = evening(now, days=10, hour=18, minute=30)
            _publish(events, EventPage(
                title="中秋游园会", slug="mid-autumn-fair", starts_at=starts, ends_at=starts + timedelta(hours=3),
                place="中心花园", place_en="Central garden", capacity=80, signup_deadline=starts - timedelta(days=1),
                body="<p>猜灯谜、做月饼、亲子游戏，欢迎全家参加。</p>",
                safety_measures="现场配备保安 6 名、急救箱 2 个；儿童须由家长陪同。",
                opinions="业主希望增加亲子活动，时间安排在晚饭后。",
                title_en="Mid-Autumn garden party", body_en="<p>Lantern riddles, mooncake making and games for children.</p>",
                safety_measures_en="Six guards and two first-aid kits on site; children must be accompanied.",
            ))
