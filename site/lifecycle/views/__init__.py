"""Views of the desk procedures, by procedure (re-exported for the URL modules)."""

from lifecycle.views.decoration import (
    decoration_action_view,
    decoration_new_view,
    decoration_view,
    permit_view,
    photo_view,
    violation_action_view,
)
from lifecycle.views.movein import (
    movein_action_view,
    movein_new_view,
    movein_pack_view,
    movein_view,
    report_view,
)
from lifecycle.views.release import (
    gate_view,
    release_action_view,
    release_new_view,
    release_view,
    slip_view,
)

__all__ = [
    "decoration_action_view",
    "decoration_new_view",
    "decoration_view",
    "gate_view",
    "movein_action_view",
    "movein_new_view",
    "movein_pack_view",
    "movein_view",
    "permit_view",
    "photo_view",
    "release_action_view",
    "release_new_view",
    "release_view",
    "report_view",
    "slip_view",
    "violation_action_view",
]
