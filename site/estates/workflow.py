"""State machines declared once: one table per workflow, read by services and views alike.

A workflow is a list of :class:`Transition` rows (action → from-states → to-state → permission →
guards). The service of an action calls :meth:`Workflow.check` before it writes; the page that
offers the action's button asks :meth:`Workflow.allowed`. Both read the same rows, so a button is
offered exactly when the service would accept the action, and a refusal always carries the row's
translated message.

Refusals raise :class:`ActionRefused` (a ``ValidationError``, answered with a message and 400) or,
when the user lacks the right, :class:`ActionForbidden` (also a ``PermissionDenied``: 403). Views
catch ``ActionRefused`` (which covers both) and turn it into a message and ``exc.status_code``.

Why a small table of our own rather than django-fsm-2: the services keep their own transactions,
row locks and history writes, several actions depend on the record's kind (a repair and a
suggestion have different paths) and the buttons need the refusal reason; a library would add a
protected status field and signals without removing any of that code.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from estates.scoping import user_can_reach


class ActionRefused(ValidationError):
    """The action is not possible now (state, kind or guard): a message and a 400."""

    status_code = 400

    def __init__(self, message, code: str = "refused", params=None):
        super().__init__(message, code=code, params=params)


class ActionForbidden(ActionRefused, PermissionDenied):
    """The user may not take the action (role or estate): a message and a 403."""

    status_code = 403


@dataclass(frozen=True)
class Guard:
    """A condition on the record (and the user) with the message shown when it fails."""

    test: Callable[..., bool]  # test(obj, user) -> bool
    #: The refusal; a function of the record when the message names one of its values.
    message: str | Callable[[object], str]
    code: str = "refused"
    #: True when failing it means "not you" (403) rather than "not now" (400).
    forbidden: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    #: Button label (lazy: translated per request).
    label: str
    #: States the action may start from; the refusal message when the record is elsewhere
    #: (``%(status)s`` is replaced by the record's state label), or a dict state → message with
    #: the key None for every other state (a value may be a (message, code) pair).
    sources: Collection[str]
    refusal: str | dict
    #: The state after the action (None: the state does not change).
    target: str | None = None
    #: The permission ("app.codename"), or a function of the record returning it.
    permission: str | Callable[[object], str] | None = None
    guards: tuple[Guard, ...] = ()
    #: For workflows whose path depends on the record's kind: this row applies when it holds.
    applies: Callable[[object], bool] | None = None
    #: Shown when no row of the action applies to the record (e.g. "Only complaints are taken over.").
    not_applicable: str = ""
    #: The error code of the state refusal (tests and callers may tell refusals apart by it).
    refusal_code: str = "wrong_status"
    #: Only the system (a Huey sweep, user None) takes this action; it is never a button.
    system_only: bool = False

    def permission_for(self, obj) -> str | None:
        return self.permission(obj) if callable(self.permission) else self.permission


@dataclass
class Workflow:
    name: str
    transitions: Iterable[Transition]
    state_field: str = "status"
    #: Check the user's estates against the record (every estate-owned workflow does).
    scoped: bool = True
    #: How to read the state when it is not a field of the record itself.
    state_getter: Callable[[object], str] | None = None
    _rows: dict[str, list[Transition]] = field(init=False, repr=False)

    def __post_init__(self):
        self._rows = {}
        for row in self.transitions:
            self._rows.setdefault(row.action, []).append(row)

    @property
    def actions(self) -> list[str]:
        return list(self._rows)

    def label(self, action: str) -> str:
        return self._rows[action][0].label

    def state_of(self, obj) -> str:
        return self.state_getter(obj) if self.state_getter else getattr(obj, self.state_field)

    def row(self, action: str, obj) -> Transition:
        """The row of ``action`` that applies to ``obj`` (ActionRefused when none does)."""
        if action not in self._rows:
            raise ActionRefused(_("This action does not exist."), code="unknown_action")
        rows = self._rows[action]
        for row in rows:
            if row.applies is None or row.applies(obj):
                return row
        raise ActionRefused(rows[0].not_applicable or _("This action does not apply here."), code="wrong_kind")

    def check(self, action: str, obj, user) -> Transition:
        """Raise unless ``user`` may take ``action`` on ``obj`` now; return the row that applies.

        ``user`` None is the system (a Huey sweep): no permission is checked, the state is.
        Order: the right to act first (so nobody learns about a record they may not touch),
        then the kind, the state and the guards.
        """
        rows = self._rows.get(action)
        if rows is None:
            raise ActionRefused(_("This action does not exist."), code="unknown_action")
        if user is not None and rows[0].system_only:
            raise ActionForbidden(_("You may not do this."), code="system_only")
        if user is not None:
            # The permission is the same for every row of an action unless it depends on the record.
            perm = rows[0].permission_for(obj)
            if perm and not user.has_perm(perm):
                raise ActionForbidden(_("You may not do this."), code="permission")
            if self.scoped and not user_can_reach(user, obj):
                raise ActionForbidden(_("This record belongs to an estate you do not work in."), code="estate")
        row = self.row(action, obj)
        state = self.state_of(obj)
        if state not in row.sources:
            message = row.refusal.get(state, row.refusal.get(None)) if isinstance(row.refusal, dict) else row.refusal
            code = row.refusal_code
            if isinstance(message, tuple):
                message, code = message
            raise ActionRefused(message, code=code, params=self._params(obj))
        for guard in row.guards:
            if not guard.test(obj, user):
                error = ActionForbidden if guard.forbidden else ActionRefused
                message = guard.message(obj) if callable(guard.message) else guard.message
                raise error(message, code=guard.code)
        return row

    def allowed(self, obj, user) -> list[str]:
        """The actions ``user`` may take on ``obj`` now, in the table's order (the buttons)."""
        allowed = []
        for action in self._rows:
            try:
                self.check(action, obj, user)
            except ActionRefused:
                continue
            allowed.append(action)
        return allowed

    def _params(self, obj) -> dict:
        display = getattr(obj, f"get_{self.state_field}_display", None)
        return {"status": display() if display else self.state_of(obj)}

    def table(self) -> list[dict]:
        """The table as rows of plain values (docs, tests)."""
        return [
            {
                "action": row.action, "sources": sorted(row.sources), "target": row.target,
                "permission": row.permission if isinstance(row.permission, str) else "(per record)",
                "guards": [g.code for g in row.guards],
            }
            for rows in self._rows.values()
            for row in rows
        ]
