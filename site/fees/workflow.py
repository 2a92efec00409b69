"""The arrears case's manual steps, declared once (see estates.workflow).

The chasing ladder itself (notice → reminder → call → visit → lawyer's letter → lawsuit) is the pure
function of fees.ladder, run by the sweeps. What staff do by hand (a call, a door visit, the legal
route) is recorded against the house's arrears case: this table says who may record which step.
Recording a step does not depend on the step reached so far (staff record what happened), so
every row starts from any state of the ladder; the target is the step recorded.
"""

from __future__ import annotations

from estates.workflow import Transition, Workflow

from fees.models import ArrearsCase, Step

#: The states of a house's arrears case: no step yet (""), or the highest step taken.
LADDER_STATES = ("", *Step.values)


def case_state(house) -> str:
    return ArrearsCase.objects.filter(house=house).values_list("current_step", flat=True).first() or ""


def _row(step: Step, permission: str) -> Transition:
    return Transition(step.value, step.label, LADDER_STATES, "", target=step.value, permission=permission)


ARREARS = Workflow("arrears case", [
    _row(Step.CALL, "fees.record_call"),
    _row(Step.VISIT, "fees.record_visit"),
    _row(Step.LAWYER_LETTER, "fees.record_legal"),
    _row(Step.LAWSUIT, "fees.record_legal"),
], state_getter=case_state)

#: Step → the permission to record it (read from the table; kept for callers of this name).
MANUAL_STEP_PERMISSION = {row.action: row.permission for row in ARREARS.transitions}
