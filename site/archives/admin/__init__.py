"""The archives' admin pieces (columns, panels, views); wagtail_hooks.py declares the viewsets."""
