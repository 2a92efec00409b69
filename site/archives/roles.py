"""Who may do what with the archives (merged into the role matrix by estates.roles).

See docs/archives.md for the matrix as a table. Seeing ID numbers and full mobiles is a separate
permission (estates.view_personal_data), granted by estates.roles.
"""

from estates import roles

_MODELS = ("household", "person", "vehicle", "key", "document")


def _perms(actions: str, *models: str) -> list[str]:
    return [f"archives.{action}_{model}" for model in models for action in actions.split()]


ROLE_PERMISSIONS = {
    roles.ESTATE_MANAGER: _perms("add change delete view", *_MODELS),
    roles.SUPERVISOR: _perms("add change delete view", *_MODELS),
    # Clerks keep the owner, vehicle, key and document archives; removing a whole household file,
    # a key or a document is for a supervisor.
    roles.CLERK: _perms("add change view", *_MODELS) + _perms("delete", "person", "vehicle"),
    # Stewards own a group of households: move-in, tenants, parking permits.
    roles.STEWARD: _perms("add change view", "household", "person", "vehicle") + _perms("delete", "person", "vehicle")
    + _perms("view", "key", "document"),
    # The front desk hands keys out and takes phone calls (finds a household, masked).
    roles.FRONT_DESK: _perms("view", "household", "person", "vehicle", "key"),
    # Secretaries file documents and minutes; they may look a household up (masked).
    roles.SECRETARY: _perms("add change view", "document") + _perms("view", "household", "person", "vehicle"),
    # Maintenance fetches keys to reach a house or a shared room.
    roles.MAINTENANCE: _perms("view", "key"),
}
