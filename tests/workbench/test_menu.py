"""The menu follows the work: seven groups, every custom page inside one, each role seeing only
what it may use."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from estates import roles
from wagtail.admin.menu import SubmenuMenuItem, admin_menu

pytestmark = pytest.mark.django_db

#: Wagtail's own top-level items that stay (Pages, Images, Documents, Snippets when any is left).
WAGTAIL_TOP_LEVEL = {"explorer", "images", "documents", "snippets"}


def menu_of(user) -> dict[str, list[str]]:
    """Top-level item name → its submenu items' names ([] for a plain link)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    with translation.override("en"):
        items = sorted(admin_menu.menu_items_for_request(request), key=lambda i: i.order)
        return {
            item.name: (
                [sub.name for sub in sorted(item.menu.menu_items_for_request(request), key=lambda i: i.order)]
                if isinstance(item, SubmenuMenuItem) else []
            )
            for item in items
        }


def groups(menu):
    return [name.removeprefix("group-") for name in menu if name.startswith("group-")]


@pytest.fixture
def user_of(make_user, estate_a):
    return lambda role: make_user(role, [estate_a], username=f"u{abs(hash(role)) % 10_000}")


def test_no_custom_item_at_the_top_level(user_of, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    for user in [superuser, *(user_of(role) for role in roles.ROLES)]:
        menu = menu_of(user)
        assert set(menu) - WAGTAIL_TOP_LEVEL <= {f"group-{g}" for g in
                                                  ("archives", "lending", "servicedesk", "fees", "bulletin",
                                                   "reports", "settings")}, (user.username, list(menu))
    # The superuser sees all seven groups, in the order of the work.
    assert groups(menu_of(superuser)) == ["archives", "lending", "servicedesk", "fees", "bulletin", "reports", "settings"]
    # Wagtail's Pages, Images and Documents (the bulletin's content) follow the bulletin group;
    # its Reports, Settings and Help menus are gone from the top level.
    superuser_menu = menu_of(superuser)
    top = [name for name in superuser_menu if name != "snippets"]
    assert top == [
        "group-archives", "group-lending", "group-servicedesk", "group-fees", "group-bulletin",
        "explorer", "images", "documents", "group-reports", "group-settings",
    ]
    # Wagtail's Reports and Settings menus are folded into ours.
    assert "users" in superuser_menu["group-settings"] and "sweeps" in superuser_menu["group-settings"]
    assert "site-history" in superuser_menu["group-reports"] and "kpis" in superuser_menu["group-reports"]


@pytest.mark.parametrize(("role", "expected_groups", "present", "absent"), [
    (roles.CLERK, ["archives", "lending", "servicedesk", "fees", "bulletin", "reports", "settings"],
     {"group-servicedesk": ["desk-board", "new-ticket", "tickets"], "group-fees": ["arrears-board"]},
     {"group-reports": ["kpis"], "group-settings": ["sweeps", "users"]}),
    (roles.FRONT_DESK, ["archives", "lending", "servicedesk", "fees", "bulletin", "reports", "settings"],
     {"group-lending": ["lending-board", "borrowing-register"]},
     {"group-reports": ["kpis"], "group-fees": ["arrears-board"], "group-settings": ["sweeps"]}),
    (roles.SECRETARY, ["archives", "lending", "servicedesk", "bulletin", "reports", "settings"],
     {"group-bulletin": ["drafts", "scheduled-notices"], "group-reports": ["event-reports"]},
     {"group-reports": ["collection-rate", "kpis"]}),
    (roles.STEWARD, ["archives", "servicedesk", "fees", "bulletin", "reports", "settings"],
     {"group-archives": ["my-households"], "group-fees": ["arrears-board"]}, {}),
    (roles.ESTATE_MANAGER, ["archives", "lending", "servicedesk", "fees", "bulletin", "reports", "settings"],
     {"group-reports": ["kpis", "collection-rate", "patrol-report", "event-reports"],
      "group-settings": ["sweeps", "service-clocks", "loan-periods"]}, {}),
])
def test_each_role_sees_its_groups(user_of, role, expected_groups, present, absent):
    menu = menu_of(user_of(role))
    assert groups(menu) == expected_groups, menu
    for group, names in present.items():
        assert set(names) <= set(menu[group]), (group, menu[group])
    for group, names in absent.items():
        assert not set(names) & set(menu.get(group, [])), (group, menu.get(group))


def test_maintenance_sees_only_its_work(user_of):
    menu = menu_of(user_of(roles.MAINTENANCE))
    assert "group-fees" not in menu and "group-lending" not in menu and "group-bulletin" not in menu
    assert "tickets" in menu["group-servicedesk"]
