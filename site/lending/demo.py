"""Demo loans in every state, on the demo keys and documents of the first estate.

Called by `manage.py load_demo` after the archives' demo data. Loans are made through the
services (so key statuses and history agree with the register), some of them back-dated.
"""

import datetime

from archives.models import Document, Key
from django.contrib.auth import get_user_model
from django.utils import timezone

from lending import services


def load(*, estates, seed):
    if not estates:
        return
    estate = estates[0]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["clerk", "supervisor", "frontdesk", "manager"])}
    if len(users) < 4:
        return
    clerk, supervisor, desk = users["clerk"], users["supervisor"], users["frontdesk"]
    keys = list(Key.objects.filter(estate=estate, status=Key.Status.IN_CABINET).order_by("tag")[:4])
    documents = list(Document.objects.filter(estate=estate, is_out=False).order_by("pk")[:2])
    now = timezone.now()
    contractor = {"borrower_name": "王建国", "borrower_mobile": "13800138000", "borrower_organisation": "安居装修工程有限公司"}

    def request(item, when, **extra):
        fields = {**contractor, "purpose": "入户检修水管", **extra}
        return services.loan_request(item=item, by=clerk, now=when, **fields)

    if len(keys) >= 1:  # waiting for the supervisor
        request(keys[0], now - datetime.timedelta(minutes=20), purpose="更换燃气表")
    if len(keys) >= 2:  # approved, waiting at the front desk
        services.loan_approve(loan=request(keys[1], now - datetime.timedelta(hours=1)), by=supervisor, now=now)
    if len(keys) >= 3:  # out now
        loan = request(keys[2], now - datetime.timedelta(hours=2), borrower_name="李师傅", borrower_organisation="电梯维保公司")
        loan = services.loan_approve(loan=loan, by=supervisor, now=now - datetime.timedelta(hours=2))
        services.loan_hand_out(loan=loan, by=desk, now=now - datetime.timedelta(hours=1), due_at=now + datetime.timedelta(hours=3))
    if len(keys) >= 4:  # out and overdue since yesterday
        then = now - datetime.timedelta(days=2)
        loan = request(keys[3], then, borrower_name="赵师傅", borrower_organisation="空调安装队")
        services.loan_approve_and_hand_out(loan=loan, by=supervisor, now=then)
    if len(documents) >= 1:  # a paper document borrowed and returned
        then = now - datetime.timedelta(days=10)
        loan = services.loan_request(item=documents[0], by=clerk, borrower_user=clerk, purpose="核对合同条款", now=then)
        loan = services.loan_approve_and_hand_out(loan=loan, by=supervisor, now=then)
        services.loan_return(loan=loan, by=clerk, condition="完好", now=then + datetime.timedelta(days=3))
    if len(documents) >= 2:  # a request turned down
        loan = services.loan_request(item=documents[1], by=clerk, purpose="复印存档", now=now - datetime.timedelta(days=1), **contractor)
        services.loan_reject(loan=loan, by=supervisor, reason="外部人员不得借阅内部文件", now=now)
