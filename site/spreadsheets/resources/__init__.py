"""One django-import-export Resource per archive model: the single column mapping for templates,
exports and imports. See ``base.SpreadsheetResource`` for what a Resource declares."""
