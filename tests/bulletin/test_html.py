"""Every public page is well-formed HTML: doctype, lang, balanced elements, unique ids, one h1,
labelled form fields. (A structural check with the standard library: no validator is installed.)"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
OPTIONAL_END = {"p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.problems, self.h1 = [], set(), [], 0
        self.labels_for, self.fields = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        if tag == "h1":
            self.h1 += 1
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append(attrs.get("id"))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack and self.stack[-1] != tag and self.stack[-1] in OPTIONAL_END:
            self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


def check(html: str):
    assert html.lstrip().lower().startswith("<!doctype html>")
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, checker.problems
    assert not [t for t in checker.stack if t not in OPTIONAL_END], checker.stack
    assert checker.h1 == 1
    unlabelled = [f for f in checker.fields if f not in checker.labels_for]
    assert not unlabelled, unlabelled
    assert '<html lang="' in html


def test_public_pages_are_well_formed(client, notice_a, event_a, home_a):
    urls = ["/", home_a.url, notice_a.url, f"{home_a.url}notices/", f"{home_a.url}events/", event_a.url,
            f"/bulletin/events/{event_a.pk}/signup/", "/bulletin/search/?q=停水"]
    for lang in ("zh-hans", "en"):
        for url in urls:
            response = client.get(url, HTTP_COOKIE=f"django_language={lang}")
            assert response.status_code == 200, url
            check(response.content.decode())
    with time_machine.travel(event_a.ends_at + timedelta(hours=1)):
        check(client.get(f"/bulletin/events/{event_a.pk}/feedback/").content.decode())
