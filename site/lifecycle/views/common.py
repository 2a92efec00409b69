"""What the procedures' pages share: scoped lookups, a record's page with its action forms (the
workflow's ``allowed`` buttons) and the POST of one action, whose refusals become the form's
message with the table's status (400 or 403)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from estates.personal_data import can_view_personal_data, log_personal_data_access
from estates.scoping import scope_queryset
from estates.workflow import ActionRefused, Workflow
from wagtail.admin import messages


def require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def scoped(model, user, **lookup):
    return get_object_or_404(scope_queryset(model._default_manager.all(), user), **lookup)


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def log_unmasked(request, obj, fields: list[str]) -> None:
    """Every unmasked view of personal data is logged (who, what, when, which estate)."""
    if can_view_personal_data(request.user):
        log_personal_data_access(user=request.user, obj=obj, fields=fields, action="view", estate=obj.estate)


def action_forms(request, obj, workflow: Workflow, form_classes: dict, *, empty, bound=None,
                 extra: dict[str, str] | None = None) -> list[dict]:
    """The forms of the actions ``request.user`` may take now (``extra``: page actions that ride
    on a table action, e.g. a violation recorded under "inspect")."""
    allowed = workflow.allowed(obj, request.user)
    names = [a for a in allowed if not workflow._rows[a][0].system_only]
    for page_action, table_action in (extra or {}).items():
        if table_action in allowed:
            names.append(page_action)
    entries = []
    for name in names:
        form = bound[1] if bound and bound[0] == name else form_classes.get(name, empty)(obj=obj, prefix=name)
        label = workflow.label(name) if name in workflow.actions else _("Record a violation")
        entries.append({"action": name, "label": label, "form": form})
    if bound and bound[0] not in names:
        label = workflow.label(bound[0]) if bound[0] in workflow.actions else _("Record a violation")
        entries.insert(0, {"action": bound[0], "label": label, "form": bound[1]})
    return entries


def run_action(request, obj, *, action: str, form_classes: dict, empty, handler: Callable, page: Callable,
               success_url: str, allowed_actions) -> object:
    """Validate the action's form, call the service, answer its refusal with the page and a 4xx."""
    if action not in allowed_actions:
        raise Http404
    form = form_classes.get(action, empty)(request.POST, request.FILES, obj=obj, prefix=action)
    if not form.is_valid():
        return page(request, obj, bound=(action, form), status=400)
    try:
        message = handler(action, obj, form.cleaned_data)
    except ActionRefused as exc:
        form.add_error(None, exc.messages)
        return page(request, obj, bound=(action, form), status=exc.status_code)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not do this."))
        return page(request, obj, bound=(action, form), status=403)
    except ValidationError as exc:
        add_errors(form, exc)
        return page(request, obj, bound=(action, form), status=400)
    if message:
        messages.success(request, message)
    return redirect(success_url)


def new_record_view(request, *, perm: str, form_class, create: Callable, done: Callable, title: str, icon: str):
    """The page that opens a procedure: the form (with the house from ``?house=``), the service
    call on a valid POST, its ValidationError on the form with a 400, else a message and the new
    record's page. ``create(data)`` calls the service; ``done(record)`` gives (message, url name)."""
    require(request.user, perm)
    form = form_class(request.POST or None, request.FILES or None, user=request.user,
                      initial={"house": request.GET.get("house")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = create(form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                message, url_name = done(record)
                messages.success(request, message)
                return redirect(url_name, pk=record.pk)
        status = 400
    return render(request, "lifecycle/form.html", {"title": title, "form": form, "icon": icon}, status=status)


def render_page(request, template: str, context: dict, status: int = 200):
    return render(request, template, context, status=status)
