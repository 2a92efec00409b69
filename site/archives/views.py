"""Admin views of the archives' history: a record's history, restoring a version, deleted records.

Every view is estate-scoped: another estate's record (existing or deleted) answers 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from estates.scoping import estate_ids_for, scope_queryset
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from archives import selectors, services
from archives.models import Document, Person
from archives.privacy import log_shown


def _model_or_404(model_name: str):
    model = services.ARCHIVE_MODELS.get(model_name)
    if model is None:
        raise Http404
    return model


def _can(user, action: str, model) -> bool:
    return user.has_perm(f"archives.{action}_{model._meta.model_name}")


def _reachable_or_404(user, model, object_id: int) -> None:
    estate_id = selectors.estate_id_of_record(model=model, object_id=object_id)
    if estate_id is None and not model.history.filter(id=object_id).exists():
        raise Http404
    ids = estate_ids_for(user)
    if ids is not None and estate_id not in ids:
        raise Http404


def history_url(obj) -> str:
    return reverse("archives_history", args=(obj._meta.model_name, obj.pk))


def _snippet_url(model, action: str, pk) -> str | None:
    try:
        return reverse(f"wagtailsnippets_archives_{model._meta.model_name}:{action}", args=(pk,))
    except Exception:  # noqa: BLE001 - no such view (e.g. inspect disabled)
        return None


class RecordHistoryView(WagtailAdminTemplateMixin, TemplateView):
    """Who changed what and when, field by field; a household's people and vehicles included."""

    template_name = "archives/history.html"
    header_icon = "history"
    page_title = gettext_lazy("History")

    def dispatch(self, request, model_name: str, pk: int):
        self.model = _model_or_404(model_name)
        if not any(_can(request.user, a, self.model) for a in ("view", "change", "add", "delete")):
            raise PermissionDenied
        _reachable_or_404(request.user, self.model, pk)
        self.object_id = pk
        self.object = self.model._default_manager.filter(pk=pk).first()
        return super().dispatch(request, model_name=model_name, pk=pk)

    def get_page_subtitle(self):
        return str(self.object) if self.object is not None else _("deleted record")

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        try:
            index = reverse(f"wagtailsnippets_archives_{self.model._meta.model_name}:list")
        except Exception:  # noqa: BLE001
            index = None
        if index:
            items.append({"url": index, "label": str(self.model._meta.verbose_name_plural).capitalize()})
        if self.object is not None:
            items.append({"url": _snippet_url(self.model, "edit", self.object.pk) or "", "label": str(self.object)})
        items.append({"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        entries, unmasked = selectors.history_entries(obj_model=self.model, object_id=self.object_id, user=user)
        page = Paginator(entries, 50).get_page(self.request.GET.get("p"))
        if unmasked:
            shown_people = {}
            for entry in page.object_list:
                if entry.model_name == "person" and any(c.field in unmasked for c in entry.changes):
                    shown_people.setdefault(entry.object_id, entry.record.instance)
            if self.model is Person and self.object is not None:
                shown_people.setdefault(self.object.pk, self.object)
            log_shown(
                user=user, people=shown_people.values(), fields=unmasked,
                estate_id=selectors.estate_id_of_record(model=self.model, object_id=self.object_id),
            )
        for entry in page.object_list:
            model = services.ARCHIVE_MODELS[entry.model_name]
            # A deleted record comes back from the deleted records (with its children), not version by version.
            entry.can_restore = (
                self.object is not None and entry.action != "-"
                and _can(user, "change", model) and _can(user, "add", model)
            )
            entry.restore_url = reverse(
                "archives_history_restore", args=(entry.model_name, entry.object_id, entry.record.history_id)
            )
        context.update(
            entries=page.object_list, page_obj=page, object=self.object, model=self.model,
            object_id=self.object_id, deleted=self.object is None,
            can_restore_deleted=self.object is None and _can(user, "add", self.model),
            restore_deleted_url=reverse("archives_deleted_restore", args=(self.model._meta.model_name, self.object_id)),
            edit_url=_snippet_url(self.model, "edit", self.object_id) if self.object is not None else None,
        )
        return context


class RestoreVersionView(View):
    """POST: bring a record (or a household's child) back to a version of its history."""

    def post(self, request, model_name: str, pk: int, history_id: int):
        model = _model_or_404(model_name)
        if not (_can(request.user, "change", model) and _can(request.user, "add", model)):
            raise PermissionDenied
        _reachable_or_404(request.user, model, pk)
        record = get_object_or_404(model.history, id=pk, history_id=history_id)
        back = request.POST.get("next") or reverse("archives_history", args=(model_name, pk))
        if not back.startswith("/") or back.startswith("//"):
            back = reverse("archives_history", args=(model_name, pk))
        try:
            services.record_restore(historical=record, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Restored the version of %(when)s.") % {"when": record.history_date.strftime("%Y-%m-%d %H:%M:%S")},
            )
        return redirect(back)


class DeletedRecordsView(WagtailAdminTemplateMixin, TemplateView):
    """Archive records that were deleted, findable and (for those allowed) restorable."""

    template_name = "archives/deleted.html"
    header_icon = "bin"
    page_title = gettext_lazy("Deleted records")

    def dispatch(self, request, *args, **kwargs):
        self.viewable = [
            name for name, model in services.ARCHIVE_MODELS.items()
            if any(_can(request.user, a, model) for a in ("view", "change", "add"))
        ]
        if not self.viewable:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        chosen = self.request.GET.get("type", "")
        names = [chosen] if chosen in self.viewable else self.viewable
        records = selectors.deleted_records(user=user, model_names=names)
        page = Paginator(records, 50).get_page(self.request.GET.get("p"))
        for record in page.object_list:
            model = services.ARCHIVE_MODELS[record.model_name]
            record.history_url = reverse("archives_history", args=(record.model_name, record.object_id))
            record.restore_url = reverse("archives_deleted_restore", args=(record.model_name, record.object_id))
            record.can_restore = _can(user, "add", model)
        context.update(
            records=page.object_list, page_obj=page, chosen=chosen,
            types=[(name, services.ARCHIVE_MODELS[name]._meta.verbose_name) for name in self.viewable],
        )
        return context


class RestoreDeletedView(View):
    """POST: bring a deleted record back (a household with the people and vehicles deleted with it)."""

    def post(self, request, model_name: str, pk: int):
        model = _model_or_404(model_name)
        if not _can(request.user, "add", model):
            raise PermissionDenied
        _reachable_or_404(request.user, model, pk)
        try:
            instance = services.deleted_restore(model=model, object_id=pk, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("archives_deleted")
        messages.success(request, _("“%(record)s” has been restored.") % {"record": instance})
        target = _snippet_url(model, "edit", instance.pk) if _can(request.user, "change", model) else None
        return redirect(target or reverse("archives_history", args=(model_name, instance.pk)))


def document_file(request, pk: int):
    """The electronic file of a document, for users who may view it in its estate (never a public URL)."""

    if not _can(request.user, "view", Document):
        raise PermissionDenied
    document = get_object_or_404(scope_queryset(Document.objects.all(), request.user), pk=pk)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


def document_file_url(document) -> str:
    return reverse("archives_document_file", args=(document.pk,))
