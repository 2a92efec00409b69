from estates.roles import ESTATE_MANAGER, SUPERVISOR

ROLE_PERMISSIONS = {
    ESTATE_MANAGER: ["notifications.view_message"],
    SUPERVISOR: ["notifications.view_message"],
}
