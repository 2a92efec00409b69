"""Every curl example of the README and docs/ works against the demo data and returns what the
docs say: a 2xx answer and, when the comment above names them ("each item: a, b" for a listing,
"the page: a, b" for one object), those fields."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FIELDS = re.compile(r"(each item|the page): ([\w, ]+)")
#: Docs whose examples this test does not run, and why. The owner API's examples are a session
#: (a code read from the owner's SMS, the token it gives, ids of their own records) against a
#: placeholder host; tests/owners/test_api.py makes the same calls through a signed-in owner.
NOT_RUN = {"owners.md"}


def _examples() -> list[tuple[str, str, str]]:
    found = []
    for path in DOCS:
        if path.name in NOT_RUN:
            continue
        in_sh, comment = False, ""
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("```"):
                in_sh = stripped == "```sh" and not in_sh
                comment = ""
                continue
            if not in_sh:
                continue
            if stripped.startswith("#"):
                comment = stripped
            elif stripped.startswith("curl "):
                found.append((path.name, stripped, comment))
                comment = ""
    return found


def _request(client, command: str):
    """The curl options the docs use: a URL and -L (follow redirects). Anything else fails loudly,
    so a new kind of example extends this function instead of being skipped."""
    words = shlex.split(command)[1:]
    follow = False
    urls = []
    for word in words:
        if word == "-L":
            follow = True
        elif word.startswith("http"):
            urls.append(word)
        else:
            raise AssertionError(f"curl option {word!r} is not understood by this test: {command}")
    assert len(urls) == 1, command
    parts = urlsplit(urls[0])
    assert parts.hostname in ("127.0.0.1", "localhost"), command
    return client.get(parts.path + (f"?{parts.query}" if parts.query else ""), follow=follow)


def test_the_docs_have_curl_examples():
    names = {name for name, _, _ in _examples()}
    assert {"README.md", "bulletin.md"} <= names


@pytest.mark.django_db
def test_every_curl_example_of_the_docs_works_on_the_demo(client):
    call_command("load_demo", houses=24)
    failures = []
    for name, command, comment in _examples():
        response = _request(client, command)
        if not 200 <= response.status_code < 300:
            failures.append(f"{name}: {command} → {response.status_code}")
            continue
        match = FIELDS.search(comment)
        if not match:
            continue
        kind, fields = match.group(1), [f.strip() for f in match.group(2).split(",") if f.strip()]
        data = response.json()
        objects = data["items"] if kind == "each item" else [data]
        if not objects:
            failures.append(f"{name}: {command} → no items to check the fields on")
        for obj in objects:
            missing = [f for f in fields if f not in obj]
            if missing:
                failures.append(f"{name}: {command} → item {obj.get('id')} lacks {missing}")
                break
    assert not failures, "\n".join(failures)
