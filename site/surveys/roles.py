"""What each role may do in surveys (merged into the matrix by estates.roles).

- front desk: see surveys, enter answers taken on the phone;
- clerk and steward: the same, plan and record quarterly return visits, read the case library;
- supervisor: all of that, the surveys themselves, reviews of closed complaints (the case
  library), the scorecard;
- estate manager: everything, including the estates' targets.
"""

from estates.roles import CLERK, ESTATE_MANAGER, FRONT_DESK, STEWARD, SUPERVISOR

_SEE = ["surveys.view_survey", "surveys.view_question", "surveys.view_response", "surveys.view_answer"]
_ENTER = [*_SEE, "surveys.add_response"]
_VISIT = ["surveys.view_quarterlyvisit", "surveys.record_quarterlyvisit", "surveys.add_quarterlyvisit"]
_SUPERVISE = [
    *_ENTER, *_VISIT, "surveys.*_survey", "surveys.*_question", "surveys.*_casereview",
    "surveys.view_scorecard", "surveys.view_estatetarget",
]

ROLE_PERMISSIONS = {
    FRONT_DESK: _ENTER,
    CLERK: [*_ENTER, *_VISIT, "surveys.view_casereview"],
    STEWARD: [*_ENTER, *_VISIT, "surveys.view_casereview"],
    SUPERVISOR: _SUPERVISE,
    ESTATE_MANAGER: [*_SUPERVISE, "surveys.*_estatetarget", "surveys.*_response", "surveys.*_answer",
                     "surveys.*_quarterlyvisit"],
}
