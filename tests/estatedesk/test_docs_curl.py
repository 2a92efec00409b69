"""Every curl example of the README and docs/ works against the demo data and returns what the
docs say: a 2xx answer and, when the comment above names them ("each item: a, b" for a listing,
"the page: a, b" for one object), those fields."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FIELDS = re.compile(r"(each item|the page): ([\w, ]+)")
#: Docs whose examples are not single requests: the owner API's examples are a session (a code
#: read from the owner's SMS, the token it gives, ids of their own records), run in order by
#: test_the_owner_api_session_of_docs_owners_md_runs_on_the_demo below.
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


# ---- docs/owners.md: the owner API as one session ------------------------------------------
#: Values a session takes from the answers before it (the docs write them ``NAME=…``): after a
#: request to the path ending in the key, each variable is read from the answer by its function.
_BIND = {
    ("POST", "/token/"): {"TOKEN": lambda d: d["token"], "HOUSEHOLD": lambda d: d["households"][0]["id"]},
    ("GET", "/receipts/"): {"RECEIPT": lambda d: d["receipts"][0]["id"]},
    ("GET", "/categories/"): {"CATEGORY": lambda d: d["categories"][0]["id"]},
    ("POST", "/tickets/"): {"TICKET": lambda d: d["id"], "PHOTO": lambda d: d["photos"][0]["id"]},
}
_VARIABLE = re.compile(r"\$([A-Z]+)")
_ASSIGNMENT = re.compile(r"^([A-Z]+)=(\S+)")


def _owner_session_lines() -> list[str]:
    """The sh block of docs/owners.md that starts with the API's BASE, continuations joined and
    trailing comments dropped."""
    text = (ROOT / "docs" / "owners.md").read_text(encoding="utf-8")
    block = text.split("```sh\nBASE=", 1)[1].split("```", 1)[0]
    lines, pending = [], ""
    for raw in ("BASE=" + block).splitlines():
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        line = re.sub(r"\s+#\s.*$", "", line)
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _curl(client, words: list[str], files: Path):
    """The curl options of the owner session: -s -X -H -d -F (k=v, k=@file) -o; anything else fails."""
    method, headers, data, form, out, url = "GET", {}, None, {}, None, None
    words = iter(words)
    for word in words:
        if word == "-s":
            continue
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, value = next(words).split(":", 1)
            headers[name.strip()] = value.strip()
        elif word == "-d":
            data = next(words)
        elif word == "-F":
            key, value = next(words).split("=", 1)
            if value.startswith("@"):
                path = files / value[1:]
                value = io.BytesIO(path.read_bytes())
                value.name = path.name
            form.setdefault(key, []).append(value)
        elif word == "-o":
            out = files / next(words)
        elif word.startswith("http"):
            url = word
        else:
            raise AssertionError(f"curl option {word!r} is not understood by this test")
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost"), url
    extra = {"HTTP_AUTHORIZATION": headers.pop("Authorization")} if "Authorization" in headers else {}
    if form:
        assert method == "POST"
        response = client.post(parts.path, form, **extra)
    elif data is not None:
        response = client.generic(method, parts.path, data.encode(),
                                  content_type=headers.get("Content-Type", "application/json"), **extra)
    else:
        response = client.generic(method, parts.path, **extra)
    if out is not None:
        out.write_bytes(b"".join(response) if response.streaming else response.content)
    return method, parts.path, response


@pytest.mark.django_db
def test_the_owner_api_session_of_docs_owners_md_runs_on_the_demo(client, sms_outbox, tmp_path):
    """Every step of the documented session, as written, against the demo: each answer 2xx, and
    each ``NAME=…`` bound from the answer the docs say it comes from (the SMS code from the SMS the
    owner receives; before the confirmation, the desk does the work, as the docs say)."""
    from django.contrib.auth import get_user_model
    from servicedesk import services as desk
    from servicedesk.models import Ticket

    from tests.owners.conftest import JPEG, PNG, last_code

    call_command("load_demo", houses=24)
    (tmp_path / "leak1.jpg").write_bytes(JPEG)
    (tmp_path / "leak2.png").write_bytes(PNG)
    values: dict[str, str] = {}
    ran = []
    for line in _owner_session_lines():
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            name, value = assignment.groups()
            if value != "…":
                values[name] = value
            elif name == "CODE":
                values[name] = last_code(sms_outbox, values["MOBILE"])
            else:
                assert name in values, f"{name} is not given by any answer before it (docs/owners.md)"
            continue
        unknown = set(_VARIABLE.findall(line)) - set(values)
        assert not unknown, f"{line}: {unknown} not set before"
        line = _VARIABLE.sub(lambda m: values[m.group(1)], line)
        words = shlex.split(line)
        assert words[0] == "curl", line
        if "/confirm/" in line:
            clerk = get_user_model().objects.get(username="clerk")
            ticket = Ticket.objects.get(pk=values["TICKET"])
            desk.ticket_dispatch(ticket=ticket, contractor="鑫达维修公司", by=clerk)
            desk.ticket_start(ticket=ticket, by=clerk)
            desk.ticket_done(ticket=ticket, result="已修好", by=clerk)
        method, path, response = _curl(client, words[1:], tmp_path)
        assert 200 <= response.status_code < 300, f"{line} → {response.status_code} {response.content[:300]!r}"
        ran.append((method, path))
        for (bind_method, suffix), readers in _BIND.items():
            if method == bind_method and path.endswith(suffix) and path.count("/") == 5:
                body = response.json()
                values.update({name: str(read(body)) for name, read in readers.items()})
    assert len(ran) == 15, ran
    assert Ticket.objects.get(pk=values["TICKET"]).status == "closed"
    assert (tmp_path / "photo.jpg").read_bytes() == JPEG
