"""The admin's one write path: Wagtail's create, edit and delete of a model with rules call its service.

Wagtail 8 runs every create, edit and delete of its generic (snippet) views through an *action*
looked up per model in ``wagtail.actions.registry.action_registry``. ``register_service_writes``
registers, for one model, actions whose save and delete call the app's service instead of
``form.save()`` / ``instance.delete()``:

- ``save(*, instance, form, by)``: the service checks the permission and the estate itself (the
  views pass ``skip_permission_checks=True``: Wagtail's check ran before, ours runs here), applies
  its rules, records the history user and writes, saving through ``form`` when given so inline
  children (a household's people and vehicles) are written in the same transaction;
- ``delete(*, instance, by)``: the same for a deletion.

The views run the action inside a transaction; a refusal (``ValidationError``) rolls it back and
:class:`ServiceErrorsMixin` shows the form again with the service's message and a 400, so nothing
is ever half-written and the rule that is tested is the rule that runs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction
from wagtail.admin import messages
from wagtail.log_actions import log


class _ServiceSaveMixin:
    save_service: Callable = None

    def _save_instance(self):
        self.instance = type(self).save_service(instance=self.instance, form=self.form, by=self.user)


class ServiceCreateAction(_ServiceSaveMixin, CreateAction):
    pass


class ServiceEditAction(_ServiceSaveMixin, EditAction):
    pass


class ServiceDeleteAction(DeleteAction):
    delete_service: Callable = None

    def _delete(self):
        with transaction.atomic():  # a refused deletion leaves no "deleted" log entry either
            if self.log_action:
                log(instance=self.instance, action=self.log_action, user=self.user, deleted=True)
            return type(self).delete_service(instance=self.instance, by=self.user)


def register_service_writes(registry, model, *, save: Callable, delete: Callable | None = None) -> None:
    """Call from a ``register_actions`` hook: ``model``'s admin writes go through ``save``/``delete``."""
    name = model.__name__
    for base in (ServiceCreateAction, ServiceEditAction):
        registry.register(model, type(f"{name}{base.__name__}", (base,), {"save_service": staticmethod(save)}))
    if delete is not None:
        registry.register(
            model, type(f"{name}ServiceDeleteAction", (ServiceDeleteAction,), {"delete_service": staticmethod(delete)})
        )


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


class ServiceErrorsMixin:
    """For create, edit and delete views: a service's refusal becomes the form's error and a 400."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:  # the view's transaction rolled the write back
            add_service_errors(form, exc)
            messages.error(self.request, " ".join(exc.messages))
            self.produced_error_message = None  # the service's message above says it
            response = self.form_invalid(form)
            response.status_code = 400
            return response
