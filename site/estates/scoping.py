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
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import chooser as snippet_chooser

from estates.admin_language import ReaderLanguageSnippetChooser
from estates.models import StaffMembership

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
        cached = frozenset(StaffMembership.objects.filter(user=user).values_list("estate_id", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def scope_queryset(queryset: QuerySet, user) -> QuerySet:
    """Only the rows of the user's estates.

    A model may name a shorter path for the filter, ``estate_scope_lookup``: a copy of the estate
    kept by the database (the households' ``listing_estate``), so the listing filters on an index
    of its own table rather than through three joins.
    """
    ids = estate_ids_for(user)
    if ids is None:
        return queryset
    model = queryset.model
    lookup = getattr(model, "estate_scope_lookup", None) or model.estate_lookup
    return queryset.filter(**{f"{lookup}__in": ids})


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


_VIEW_ATTRS = (
    "index_view_class", "add_view_class", "edit_view_class", "delete_view_class",
    "history_view_class", "usage_view_class", "inspect_view_class", "copy_view_class",
)


def _wrap(viewset, attrs, mixin):
    for attr in attrs:
        view_class = getattr(viewset, attr, None)
        if view_class is not None and not issubclass(view_class, mixin):
            setattr(viewset, attr, type(f"EstateScoped{view_class.__name__}", (mixin, view_class), {}))


def valid_pks(model: type[Model], values) -> list:
    """The given primary keys converted to the model's type; Http404 when one is not a key
    (``chosen/abc/`` or ``?id=abc`` must answer 404, not 500)."""
    pks = []
    for value in values:
        try:
            pks.append(model._meta.pk.to_python(value))
        except (ValidationError, ValueError, TypeError) as exc:
            raise Http404 from exc
    return pks


# --- Choosers -----------------------------------------------------------------------------------
#: Picking a record in a chooser shows it: the user needs to be allowed to see the model.
CHOOSE_ACTIONS = ("view", "change")


class _ChooserScopeMixin:
    """Every chooser view: the user must be allowed to see the model, and sees only their estates' rows."""

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission(request.user, CHOOSE_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, queryset: QuerySet) -> QuerySet:
        return scope_queryset(queryset, self.request.user)


class ScopedChooseView(_ChooserScopeMixin, snippet_chooser.ChooseView):
    def get_object_list(self, *args, **kwargs):
        return self.scoped(super().get_object_list(*args, **kwargs))


class ScopedChooseResultsView(_ChooserScopeMixin, snippet_chooser.ChooseResultsView):
    def get_object_list(self, *args, **kwargs):
        return self.scoped(super().get_object_list(*args, **kwargs))


class ScopedChosenView(_ChooserScopeMixin, snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        [pk] = valid_pks(self.model_class, [pk])
        return self.scoped(self.model_class._default_manager.all()).get(pk=pk)


class ScopedChosenMultipleView(_ChooserScopeMixin, snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        pks = valid_pks(self.model_class, pks)
        return self.scoped(self.model_class._default_manager.filter(pk__in=pks))


class ScopedChooserCreateView(_ChooserScopeMixin, snippet_chooser.SnippetCreateView):
    """Our snippets offer no creation form in the chooser (records are created in their own
    views, through their services); without a form, Wagtail's create view fails with a 500."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class EstateScopedChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    base_widget_class = ReaderLanguageSnippetChooser
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    create_view_class = ScopedChooserCreateView


# --- Bulk actions -------------------------------------------------------------------------------
class _ScopedBulkActionMixin:
    """Wagtail's bulk actions list the records the user may not act on by name ("items with no
    access"): with ids of another estate, the confirm page would show that estate's records. Here
    they are left out entirely, ids that are not keys answer 404, and so does an empty selection."""

    def get_actionable_objects(self):
        ids = [value for value in self.request.GET.getlist("id") if value != "all"]
        valid_pks(self.model, ids)
        objects, _extra = super().get_actionable_objects()
        if is_estate_scoped(self.model):
            objects = [obj for obj in objects if user_can_reach(self.request.user, obj)]
        if not objects:
            raise Http404
        return objects, {"items_with_no_access": []}


def scope_bulk_actions() -> None:
    """Put the mixin on every registered bulk action (Wagtail's and ours): called once all
    ``register_bulk_action`` hooks are known, when the admin URLs are built."""
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    bulk_action_registry._scan_for_bulk_actions()
    for by_model in bulk_action_registry.actions.values():
        for actions in by_model.values():
            for action_type, action_class in list(actions.items()):
                if not issubclass(action_class, _ScopedBulkActionMixin):
                    actions[action_type] = type(
                        f"EstateScoped{action_class.__name__}", (_ScopedBulkActionMixin, action_class), {}
                    )


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

    chooser_viewset_class = EstateScopedChooserViewSet

    #: False for records nobody picks in a form (logs: messages, access log, import jobs):
    #: then the model has no chooser at all and its chooser URLs answer 404.
    chooser_enabled = True

    def register_chooser_viewset(self):
        if self.chooser_enabled:
            super().register_chooser_viewset()

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        if handler is not None and handler.base_form_class is None and not hasattr(self.model, "base_form_class"):
            handler.base_form_class = EstateScopedAdminForm
        return handler
