"""The one estate-scoped permission policy.

A model belongs to an estate when it declares ``estate_lookup``: the ORM path from the model to
its Estate ("estate", "building__estate", "household__house__building__estate", or "pk" for
Estate itself). For every such model:

- ``EstateScopedPermissionPolicy`` is registered with Wagtail, so its model permissions come from
  the user's groups (roles) and its instance permissions also require the instance's estate to be
  one of the user's estates;
- ``EstateScopedViewSetMixin`` filters listings, exports and choosers to the user's estates and
  answers 404 for another estate's record opened by URL (edit, delete, inspect, history, usage,
  copy); ``EstateScopedAdminForm`` limits every choice of an estate-owned record in a form.

Superusers see everything.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

_CACHE_ATTR = "_estatedesk_estate_ids"


def is_estate_scoped(model: type[Model]) -> bool:
    return hasattr(model, "estate_lookup")


def estate_ids_for(user) -> frozenset[int] | None:
    """The ids of the estates the user works in; None means every estate (superuser).

    Cached on the user object, which lives for one request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from estates.models import StaffMembership

        cached = frozenset(StaffMembership.objects.filter(user=user).values_list("estate_id", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def scope_queryset(queryset: QuerySet, user) -> QuerySet:
    """Only the rows of the user's estates."""
    ids = estate_ids_for(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{queryset.model.estate_lookup}__in": ids})


def estate_id_of(instance: Model) -> int | None:
    """Follow ``estate_lookup`` on an instance (no query when the path is already loaded)."""
    lookup = instance.estate_lookup
    if lookup == "pk":
        return instance.pk
    *path, last = lookup.split("__")
    obj = instance
    for attr in path:
        obj = getattr(obj, attr, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def user_can_reach(user, instance: Model) -> bool:
    ids = estate_ids_for(user)
    return ids is None or estate_id_of(instance) in ids


class EstateScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions from the user's roles, instances limited to the user's estates."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and user_can_reach(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and user_can_reach(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if not self.user_has_any_permission(user, actions):
            return queryset.none()
        return scope_queryset(queryset, user)


def register_estate_policies() -> None:
    """Register the policy for every installed model that declares ``estate_lookup``."""
    for model in apps.get_models():
        if is_estate_scoped(model) and not model.__name__.startswith("Historical"):
            register_permission_policy(model, EstateScopedPermissionPolicy(model), exact_class=True)


class EstateScopedAdminForm(WagtailAdminModelForm):
    """Every choice of an estate-owned record is limited to the user's estates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            limit_choices_to_user_estates(self, self.for_user)


def limit_choices_to_user_estates(form, user) -> None:
    for field in form.fields.values():
        if isinstance(field, ModelChoiceField) and is_estate_scoped(field.queryset.model):
            field.queryset = scope_queryset(field.queryset, user)


class _ScopedViewMixin:
    """Mixed into each generated admin view: scoped listing, 404 on another estate's object."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        # History and usage views list log entries and references, not the model itself;
        # those are already limited to the (scoped) object fetched by get_object().
        if is_estate_scoped(queryset.model):
            queryset = scope_queryset(queryset, self.request.user)
        return queryset

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and not user_can_reach(self.request.user, obj):
            raise Http404
        return obj


    @cached_property
    def filters(self):
        # Filter choices (estate, building, ...) must not list other estates either.
        filterset = super().filters
        if filterset is not None:
            limit_choices_to_user_estates(filterset.form, self.request.user)
        return filterset


class _ScopedChooserMixin(_ScopedViewMixin):
    def get_object_list(self, *args, **kwargs):
        return scope_queryset(super().get_object_list(*args, **kwargs), self.request.user)


_VIEW_ATTRS = (
    "index_view_class", "add_view_class", "edit_view_class", "delete_view_class",
    "history_view_class", "usage_view_class", "inspect_view_class", "copy_view_class",
)
_CHOOSER_VIEW_ATTRS = ("choose_view_class", "choose_results_view_class", "chosen_view_class")


def _wrap(viewset, attrs, mixin):
    for attr in attrs:
        view_class = getattr(viewset, attr, None)
        if view_class is not None and not issubclass(view_class, mixin):
            setattr(viewset, attr, type(f"EstateScoped{view_class.__name__}", (mixin, view_class), {}))


class EstateScopedViewSetMixin:
    """Put first in the bases of a SnippetViewSet of an estate-owned model."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _wrap(self, _VIEW_ATTRS, _ScopedViewMixin)

    #: Declarative listing queryset (with its select_related / prefetch_related), so that the
    #: number of queries per listing page does not grow with the rows shown.
    queryset = None

    def get_queryset(self, request):
        if self.queryset is not None:
            return self.queryset.all()
        return super().get_queryset(request)

    @property
    def chooser_viewset(self):
        chooser = super().chooser_viewset
        _wrap(chooser, _CHOOSER_VIEW_ATTRS, _ScopedChooserMixin)
        return chooser

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        if handler is not None and handler.base_form_class is None and not hasattr(self.model, "base_form_class"):
            handler.base_form_class = EstateScopedAdminForm
        return handler
