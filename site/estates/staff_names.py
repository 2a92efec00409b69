"""Staff are shown by their Chinese full name (姓 + 名, no space: 王静), never by their login.

Django's ``User.get_full_name`` gives "first last" ("静 王"), and ``str(user)`` is the login
("frontdesk"); both reach the screen through Wagtail (``get_user_display_name``, history, the
user chooser), simple_history, form choices and our templates (``{{ loan.requested_by }}``).
Swapping the user model of a running installation is a migration nobody wants, and a proxy
model does not change what foreign keys return, so the auth User's two methods are replaced
once, at start-up (``estates.apps``). Names without Han characters keep the Western order.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def full_name(user) -> str:
    family = (user.last_name or "").strip()
    given = (user.first_name or "").strip()
    if _HAN.search(family + given):
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part)


def display_name(user) -> str:
    """The name on screen: the full name, the login only when no name was given."""
    return full_name(user) or user.get_username()


def install() -> None:
    from django.contrib.auth import get_user_model
    from wagtail.admin.ui.sidebar import MainMenuModule

    User = get_user_model()
    User.get_full_name = full_name
    User.__str__ = display_name

    # The sidebar's account menu shows ``user.first_name`` alone (静): show the full name.
    if not getattr(MainMenuModule.js_args, "shows_full_name", False):
        wagtail_js_args = MainMenuModule.js_args

        def js_args(self):
            args = wagtail_js_args(self)
            args[2]["name"] = display_name(self.user)
            return args

        js_args.shows_full_name = True
        MainMenuModule.js_args = js_args
