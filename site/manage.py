#!/usr/bin/env python
"""Django's command-line utility. site/ is on sys.path (it is not a package)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "estatedesk.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
