"""The household's life at the desk, by procedure: the estate's rules (``rules``), move-in
(``movein``), decoration (``decoration``) and the release of big items (``release``). Every model
is imported here, so ``lifecycle.models.X`` keeps working for the app and its migrations."""

from lifecycle.models.decoration import (
    Decoration,
    DecorationInspection,
    DecorationPhoto,
    DecorationViolation,
)
from lifecycle.models.movein import MoveIn, MoveInKey
from lifecycle.models.release import Release
from lifecycle.models.rules import LifecycleRules

__all__ = [
    "Decoration",
    "DecorationInspection",
    "DecorationPhoto",
    "DecorationViolation",
    "LifecycleRules",
    "MoveIn",
    "MoveInKey",
    "Release",
]
