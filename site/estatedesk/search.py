"""Wagtail's database search backend, safe with any text typed into a search box.

On SQLite the backend builds an FTS5 MATCH expression from the words typed; FTS5 reads quotes,
brackets and a few other characters as query syntax, so a stray ``"`` or ``<`` in the admin's
page search was a syntax error and a 500. Plain searches never need that syntax: on SQLite those
characters are searched as spaces. PostgreSQL's backend escapes its input itself.
"""

import re

from modelsearch.backends.base import EmptySearchResults
from wagtail.search.backends.database import SearchBackend as database_backend

_FTS5_SYNTAX = re.compile(r"""["'<>(){}\[\]*^:+\-]""")


def clean_query(query):
    return _FTS5_SYNTAX.sub(" ", query) if isinstance(query, str) else query


def _without_nul(query):
    # A NUL byte ends an SQLite string early ("unterminated string") and PostgreSQL refuses it
    # in any literal: a 500 on both. Nobody types one, so it is searched as a space.
    return query.replace("\x00", " ") if isinstance(query, str) else query


def SearchBackend(params):  # noqa: N802 — Wagtail looks this name up in the module
    backend = database_backend(params)
    sqlite = type(backend).__name__ == "SQLiteSearchBackend"
    for name in ("search", "autocomplete"):
        original = getattr(backend, name)

        def safe(query, *args, _original=original, **kwargs):
            typed = query
            query = _without_nul(query)
            if sqlite:
                query = clean_query(query)
            if isinstance(query, str) and not query.strip() and (sqlite or query != typed):
                return EmptySearchResults()  # nothing but syntax was typed: nothing matches
            return _original(query, *args, **kwargs)

        setattr(backend, name, safe)
    return backend
