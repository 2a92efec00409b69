"""Shared by the leak and masking crawlers: seed estate A with marker strings, list every route
with estate A's ids in it, fetch a response's full text (downloads and spreadsheets included).

The trick that makes "real ids of estate A's records" generic: every seeded record of estate A
gets the same primary key, ``SEED_ID``, in its own table. A route with any id parameter then
points at estate A's record of whatever model the route is about, without a table of routes.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile

import factory
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import IntegrityError, models, transaction
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

SEED_ID = 770001
#: Every marker matches this; each (model, field) gets its own, so a failure names the source.
MARKER_RE = re.compile(rb"ZQ\d{4}A")
#: Personal-data fields keep their realistic values (the masking crawler looks for them).
PERSONAL_FIELD_RE = re.compile(r"mobile|phone|id_number|recipient")
MOBILE_OR_ID_RE = re.compile(r"^(1[3-9]\d{9}|\d{17}[\dXx])$")

# Routes never requested, each with why it cannot leak: static assets and JavaScript catalogues
# carry no data; logout/login/password-reset and language switching act on the session only;
# Wagtail's failwhale is a deliberate error page.
SKIP = re.compile(
    r"(failwhale|logout|password_reset|/reset/|login/|setlang|^/static/|jsi18n|^/i18n/"
    r"|/icons\.svg|sprite)"
)


def estate_scoped_models():
    from estates.scoping import is_estate_scoped

    for model in apps.get_models():
        if model._meta.app_label not in settings.PROJECT_APPS:
            continue
        if model.__name__.startswith("Historical") or model._meta.auto_created:
            continue
        if is_estate_scoped(model):
            yield model


def factory_for(model):
    try:
        module = importlib.import_module(f"{model._meta.app_label}.factories")
    except ModuleNotFoundError:
        return None
    candidates = [
        obj for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, factory.django.DjangoModelFactory)
        and obj._meta.model is not None and obj._meta.get_model_class() is model
    ]
    # The factory named after the model when there are several (e.g. KeyFactory, SharedRoomKeyFactory).
    candidates.sort(key=lambda f: f.__name__ != f"{model.__name__}Factory")
    return candidates[0] if candidates else None


class Seeder:
    """Creates one record of every estate-scoped model in ``estate`` (pk ``SEED_ID``), with a
    marker in every free-text field, plus pages, documents, images and log rows."""

    def __init__(self, estate):
        self.estate = estate
        self.seeded: dict[type, models.Model] = {}
        self.missing: list[str] = []
        self.markers: dict[bytes, str] = {}
        self._counter = 0

    def marker(self, where: str) -> str:
        self._counter += 1
        value = f"ZQ{self._counter:04d}A"
        self.markers[value.encode()] = where
        return value

    def in_estate(self, model, lookup=None):
        """A record of ``model`` in the estate (``lookup``: the path from it to the estate): the
        seeded one, or an existing one, or a new one."""
        lookup = lookup or model.estate_lookup
        if model in self.seeded:
            return self.seeded[model]
        if lookup == "pk":
            return self.estate
        existing = model._default_manager.filter(**{lookup: self.estate.pk}).first()
        return existing if existing is not None else self._create(model, None, lookup)

    def _create(self, model, pk, lookup=None):
        fac = factory_for(model)
        if fac is None:
            raise LookupError(f"{model._meta.label} has no factory")
        head, _, rest = (lookup or model.estate_lookup).partition("__")
        kwargs = {} if pk is None else {"pk": pk}
        if not rest:
            kwargs[head] = self.estate
        else:
            kwargs[head] = self.in_estate(model._meta.get_field(head).related_model, rest)
        return fac(**kwargs)

    def seed_models(self):
        from estates.scoping import estate_id_of

        for model in estate_scoped_models():
            if model._meta.label == "estates.Estate":
                continue  # estate A itself is created by the test with pk SEED_ID
            try:
                obj = self._create(model, pk=SEED_ID)
            except Exception as exc:  # noqa: BLE001 - reported as a missing seed below
                self.missing.append(f"{model._meta.label}: {exc!r}")
                continue
            obj = model._default_manager.get(pk=obj.pk)
            if estate_id_of(obj) != self.estate.pk:
                self.missing.append(f"{model._meta.label}: the factory put it in another estate")
                continue
            self._mark(obj)
            self.seeded[model] = obj

    def _mark(self, obj):
        values = {}
        for field in obj._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
                continue
            if field.primary_key or PERSONAL_FIELD_RE.search(field.name) or field.name in {"key", "template"}:
                continue
            if field.max_length is not None and field.max_length < 7:
                continue
            values[field.name] = f"{obj._meta.label}.{field.name}"
        rows = type(obj)._default_manager.filter(pk=obj.pk)
        for name, where in values.items():
            # One field at a time: a check constraint (e.g. a key opens a house OR a room) may
            # refuse a value in a field that must stay empty; that field keeps its value.
            try:
                with transaction.atomic():
                    rows.update(**{name: self.marker(where)})
            except IntegrityError:
                pass

    def seed_content(self, by):
        """A draft notice (never published) with a revision, a document and an image in the
        estate's collection, and log entries naming the seeded records."""
        from bulletin.models import NoticePage
        from bulletin.services import estate_content_setup, notice_index_of
        from PIL import Image as PILImage
        from wagtail.documents.models import Document
        from wagtail.images.models import Image
        from wagtail.log_actions import log

        home = estate_content_setup(estate=self.estate)
        draft = NoticePage(
            pk=SEED_ID, title=self.marker("draft notice title"), slug="zq-draft", live=False,
            body=f"<p>{self.marker('draft notice body')}</p>", title_en=self.marker("draft notice title_en"),
        )
        notice_index_of(home).add_child(instance=draft)
        draft.title = self.marker("draft revision title")
        draft.save_revision(user=by, log_action=True)
        document = Document(pk=SEED_ID, title=self.marker("document title"), collection=self.estate.collection)
        document.file.save("zq.pdf", ContentFile(b"%PDF-1.4 " + self.marker("document content").encode()), save=False)
        document.save()
        buffer = io.BytesIO()
        PILImage.new("RGB", (4, 4)).save(buffer, "PNG")
        Image.objects.create(
            pk=SEED_ID, title=self.marker("image title"), collection=self.estate.collection,
            width=4, height=4, file=ImageFile(buffer, name="zq.png"),
        )
        for obj in list(self.seeded.values()):
            log(type(obj)._default_manager.get(pk=obj.pk), "wagtail.edit", user=by)
        log(document, "wagtail.edit", user=by)
        self.pages = [draft]


def routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern


def concrete(pattern: str, ident=SEED_ID) -> str | None:
    path = pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    path = re.sub(r"<(int|str|slug|path):\w+>|<\w+>", str(ident), path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    if re.search(r"[()\[\]\\?*+]", path):  # regex routes (Wagtail's page serving): listed below
        return None
    return "/" + path


def _exports(url: str) -> bool:
    """Whether the route is a listing with a spreadsheet export (Wagtail's ``list_export``)."""
    if not url.startswith("/admin/") or "?" in url:
        return False
    try:
        func = resolve(url).func
    except Resolver404:
        return False
    view_class = getattr(func, "view_class", None)
    kwargs = getattr(func, "view_initkwargs", None) or {}
    return bool(kwargs.get("list_export") or getattr(view_class, "list_export", None))


def crawl_urls() -> list[str]:
    """Every GET route with estate A's ids; choosers' chosen-multiple and bulk actions with
    ``?id=``; listings also as CSV and XLSX exports."""
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    urls = set()
    for pattern in routes():
        url = concrete(pattern)
        if not url or SKIP.search(url):
            continue
        if url.endswith("/chosen-multiple/"):
            url += f"?id={SEED_ID}"
        urls.add(url)
        if _exports(url):
            urls.add(url + "?export=csv")
    bulk_action_registry._scan_for_bulk_actions()
    for app_label, by_model in bulk_action_registry.actions.items():
        for model_name, actions in by_model.items():
            for action_type in actions:
                urls.add(f"/admin/bulk/{app_label}/{model_name}/{action_type}/?id={SEED_ID}")
    # Downloads that the resolver's patterns cannot name: the seeded document by its file name,
    # and the site history as a workbook.
    urls.add(f"/documents/{SEED_ID}/zq.pdf")
    urls.update({"/admin/reports/site-history/?export=csv", "/admin/reports/site-history/?export=xlsx"})
    # Searches that would match every marker ("ZQ" starts them all; the echoed query is not one).
    urls.update({
        "/admin/search/?q=ZQ", "/admin/pages/search/?q=ZQ", "/admin/documents/?q=ZQ", "/admin/images/?q=ZQ",
        "/admin/choose-page/search/?q=ZQ", "/admin/api/main/pages/?search=ZQ", "/admin/documents/chooser/?q=ZQ",
        "/admin/images/chooser/?q=ZQ", "/admin/snippets/archives/person/?q=ZQ",
        "/admin/snippets/choose/archives/person/results/?q=ZQ", "/admin/reports/site-history/?label=ZQ",
    })
    return sorted(urls)


def body_text(response) -> bytes:
    """The bytes a user gets, spreadsheets unzipped (XLSX cells are compressed XML)."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return b"".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return data


def personal_numbers(estate) -> set[bytes]:
    """Every full mobile and ID number stored in the estate's rows (any text field)."""
    numbers = set()
    for model in estate_scoped_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        if not fields or model.estate_lookup == "pk":
            continue
        for row in model._default_manager.filter(**{model.estate_lookup: estate.pk}).values_list(*fields):
            numbers.update(v.encode() for v in row if isinstance(v, str) and MOBILE_OR_ID_RE.match(v))
    return numbers


def dump_rows(seeder) -> dict:
    """Estate A's rows of every estate-scoped model (and its pages, documents, images)."""
    from django.forms.models import model_to_dict
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Page

    dump = {}
    for model in estate_scoped_models():
        lookup = model.estate_lookup
        rows = model._default_manager.filter(**{lookup: seeder.estate.pk}).order_by("pk")
        dump[model._meta.label] = [model_to_dict(row) for row in rows]
    dump["pages"] = list(Page.objects.descendant_of(seeder.estate.bulletin_home, inclusive=True)
                         .order_by("pk").values("pk", "title", "live", "path", "locked", "latest_revision_id"))
    for media in (Document, Image):
        dump[media.__name__] = list(media.objects.filter(collection=seeder.estate.collection)
                                    .order_by("pk").values("pk", "title", "file", "collection_id"))
    return dump
