"""Admin views of the bridge: template, export, import (upload → preview → confirm), job
progress (HTML that refreshes itself, and JSON for a tiny poll), result, failed rows.

Registered with the ``register_admin_urls`` hook (wagtail_hooks.py), so Wagtail's admin access
check and the user's admin language apply. Every view checks the model's permission policy;
exports are scoped to the user's estates; a job is seen only by the user who uploaded it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from estatedesk import queue
from estates.scoping import is_estate_scoped, scope_queryset
from wagtail.permissions import policy_registry

from spreadsheets import exports, services, writing
from spreadsheets.job_workflow import JOBS, may_see
from spreadsheets.models import ExportJob, ImportJob
from spreadsheets.registry import Bridge, get_bridge
from spreadsheets.tasks import check_import_job, run_export_job, run_import_job


def _policy(bridge: Bridge):
    return policy_registry.get_by_type(bridge.model)


def may_view(user, bridge: Bridge) -> bool:
    return _policy(bridge).user_has_any_permission(user, ["view", "add", "change", "delete"])


def _require_view(request, bridge: Bridge) -> None:
    if not may_view(request.user, bridge):
        raise PermissionDenied


def _filename(bridge: Bridge, suffix: str, ext: str) -> str:
    stem = str(bridge.model._meta.verbose_name_plural)
    return f"{stem}-{suffix}.{ext}"


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def listing_queryset(bridge: Bridge, request) -> QuerySet:
    """The rows of the model's admin listing for this request: its filters, search and order,
    limited to the user's estates."""
    model = bridge.model
    queryset = model._default_manager.all()
    viewset = bridge.viewset
    if viewset is not None:
        view_class = viewset.index_view_class
        merged = {**viewset.get_common_view_kwargs(), **viewset.get_index_view_kwargs()}
        view = view_class(**{k: v for k, v in merged.items() if hasattr(view_class, k) and v is not viewset.UNDEFINED})
        view.setup(request)
        try:
            listing = view.get_queryset()
        except Exception:  # an odd query string: export everything the user may see instead
            listing = queryset
        if isinstance(listing, QuerySet):
            queryset = listing
        else:  # search results of the search backend
            queryset = queryset.filter(pk__in=[obj.pk for obj in listing])
    if is_estate_scoped(model):
        queryset = scope_queryset(queryset, request.user)
    return queryset


def template_view(request, key: str):
    bridge = get_bridge(key)
    _require_view(request, bridge)
    if not bridge.resource_class.importable:
        raise Http404
    data = writing.template_bytes(bridge.get_resource(), title=bridge.verbose_name_plural)
    return _download(data, _filename(bridge, _("template"), "xlsx"), writing.XLSX_TYPE)


def export_view(request, key: str):
    bridge = get_bridge(key)
    _require_view(request, bridge)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        return HttpResponseBadRequest(_("Choose xlsx or csv."))
    queryset = listing_queryset(bridge, request)
    total = queryset.count()
    if total > exports.export_threshold():
        job = exports.export_job_create(bridge=bridge, fmt=fmt, query=request.META.get("QUERY_STRING", ""),
                                        total=total, by=request.user)
        return redirect("spreadsheets:export_job", pk=job.pk)
    parts = exports.export_parts(bridge, queryset, request.user)
    return writing.export_response(fmt=fmt, filename=exports.filename_for(bridge), **parts)


def _export_job_for(request, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob, pk=pk)
    if job.user_id != request.user.pk:
        raise Http404
    return job


def export_job_view(request, pk: int):
    job = _export_job_for(request, pk)
    bridge = get_bridge(job.target)
    context = _base_context(request, bridge, _("Export of %(what)s") % {"what": bridge.verbose_name_plural})
    context.update(job=job, refresh=job.is_running and not job.is_stale,
                   waiting_for_queue=job.is_running and queue.is_deferred(run_export_job, job.pk))
    return TemplateResponse(request, "spreadsheets/export_job.html", context)


def export_job_download(request, pk: int):
    job = _export_job_for(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    content_type = writing.XLSX_TYPE if job.fmt == "xlsx" else writing.CSV_TYPE
    response = FileResponse(job.file.open("rb"), content_type=content_type, as_attachment=True, filename=job.filename)
    response["Cache-Control"] = "no-store"
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file, with the template's header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _base_context(request, bridge: Bridge, title: str) -> dict:
    index_url = None
    if bridge.viewset is not None:
        try:
            index_url = reverse(bridge.viewset.get_url_name("list"))
        except Exception:
            index_url = None
    return {
        "bridge": bridge,
        "header_title": title,
        "page_title": title,
        "header_icon": "table",
        "index_url": index_url,
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            *([{"url": index_url, "label": bridge.verbose_name_plural}] if index_url else []),
            {"url": "", "label": title},
        ],
    }


def import_view(request, key: str):
    bridge = get_bridge(key)
    if not services.user_may_import(request.user, bridge):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = services.import_job_create(upload=form.cleaned_data["file"], bridge=bridge, by=request.user)
            except ValidationError as exc:
                form.add_error("file", exc)
                status = 400
            else:
                return redirect("spreadsheets:job", pk=job.pk)
        else:
            status = 400
    else:
        form = UploadForm()
    context = _base_context(request, bridge, _("Import %(what)s") % {"what": bridge.verbose_name_plural})
    resource = bridge.get_resource()
    context.update(
        form=form,
        columns=resource.columns(),
        natural_key=[resource.column(n).header for n in resource.natural_key],
        template_url=reverse("spreadsheets:template", args=[bridge.key]),
        recent=ImportJob.objects.filter(user=request.user, target=bridge.key)[:10],
        threshold=services.async_threshold(),
    )
    return TemplateResponse(request, "spreadsheets/import.html", context, status=status)


def _job_for(request, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=pk)
    # The uploader, or a supervisor of the estates the file names (who may undo it).
    if not may_see(request.user, job):
        raise Http404
    return job


def _seconds_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return _("%(n)s s") % {"n": seconds}
    return _("%(m)s min %(s)s s") % {"m": seconds // 60, "s": seconds % 60}


def job_view(request, pk: int):
    job = _job_for(request, pk)
    bridge = get_bridge(job.target)
    context = _base_context(request, bridge, _("Import of “%(file)s”") % {"file": job.original_name})
    context.update(
        job=job,
        mode_choices=ImportJob.Mode.choices,
        time_left=_seconds_text(job.seconds_left()),
        refresh=job.is_running and not job.is_stale,
        waiting_for_queue=job.is_running and any(queue.is_deferred(task, job.pk)
                                                 for task in (check_import_job, run_import_job)),
        actions=JOBS.allowed(job, request.user),
        undo_until=job.undo_until(),
        failed_rows_url=reverse("spreadsheets:failed_rows", args=[job.pk]) if job.failed_rows else "",
        import_again_url=reverse("spreadsheets:import", args=[bridge.key]),
        error=request.GET.get("error", ""),
    )
    return TemplateResponse(request, "spreadsheets/job.html", context)


def job_progress_json(request, pk: int):
    job = _job_for(request, pk)
    return JsonResponse({
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "total": job.total,
        "checked": job.checked,
        "done": job.done,
        "percent": job.percent,
        "seconds_left": job.seconds_left(),
        "time_left": _seconds_text(job.seconds_left()),
        "stale": job.is_stale,
        "running": job.is_running,
        "written": job.written,
    })


@require_POST
def job_confirm(request, pk: int):
    job = _job_for(request, pk)
    if not services.user_may_import(request.user, get_bridge(job.target)):
        raise PermissionDenied
    mode = request.POST.get("mode", ImportJob.Mode.ALL_OR_NOTHING)
    return _job_action(request, job, services.import_job_confirm, mode=mode)


@require_POST
def job_restart(request, pk: int):
    return _job_action(request, _job_for(request, pk), services.import_job_restart)


@require_POST
def job_cancel(request, pk: int):
    return _job_action(request, _job_for(request, pk), services.import_job_cancel)


@require_POST
def job_undo(request, pk: int):
    return _job_action(request, _job_for(request, pk), services.import_job_undo)


def _job_action(request, job, action, **kwargs):
    """Run a service on a job; a refusal shows the job page again with the reason and a 400."""
    try:
        action(job=job, by=request.user, **kwargs)
    except ValidationError as exc:
        response = job_view(request, job.pk)
        response.context_data["error"] = " ".join(exc.messages)
        response.status_code = getattr(exc, "status_code", 400)
        return response
    return redirect("spreadsheets:job", pk=job.pk)


def failed_rows_view(request, pk: int):
    job = _job_for(request, pk)
    if not job.failed_rows:
        raise Http404
    bridge = get_bridge(job.target)
    response = FileResponse(job.failed_rows.open("rb"), content_type=writing.XLSX_TYPE, as_attachment=True,
                            filename=_filename(bridge, _("failed rows"), "xlsx"))
    response["Cache-Control"] = "no-store"
    return response


