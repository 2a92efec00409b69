"""Who may do what in the borrowing register (merged into the role matrix by estates.roles).

- front desk: requests, hands out and takes back keys;
- service clerk: requests, hands out and takes back keys and paper documents;
- secretary: requests paper documents (and sees the register);
- service supervisor and estate manager: all of that, and approve or reject loans;
- estate manager: also edits the estate's default loan periods.
See docs/lending.md.
"""

from estates import roles

_VIEW = ["lending.view_loan"]
_KEYS = ["lending.request_key_loan", "lending.handle_key_loan"]
_DOCUMENTS = ["lending.request_document_loan", "lending.handle_document_loan"]

ROLE_PERMISSIONS = {
    roles.FRONT_DESK: [*_VIEW, *_KEYS],
    roles.CLERK: [*_VIEW, *_KEYS, *_DOCUMENTS],
    roles.SECRETARY: [*_VIEW, "lending.request_document_loan"],
    roles.SUPERVISOR: [*_VIEW, *_KEYS, *_DOCUMENTS, "lending.approve_loan", "lending.view_lendingsettings"],
    roles.ESTATE_MANAGER: [
        *_VIEW, *_KEYS, *_DOCUMENTS, "lending.approve_loan",
        "lending.view_lendingsettings", "lending.add_lendingsettings", "lending.change_lendingsettings",
    ],
}
