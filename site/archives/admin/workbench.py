"""The steward's workbench page (管家工作台): their households' arrears steps, return visits,
open tickets, expiring parking permits and leases."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.workbench import EXPIRY_DAYS, steward_workbench


def workbench_view(request):
    if not request.user.has_perm("archives.view_household"):
        raise PermissionDenied
    return render(request, "archives/admin/workbench.html", {
        "header_title": _("My households"), "bench": steward_workbench(request.user),
        "today": timezone.localdate(), "expiry_days": EXPIRY_DAYS,
    })
