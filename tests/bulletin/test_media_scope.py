"""Documents and images belong to their estate's collection: an estate's editors list, choose,
edit, replace and delete only their estates' files; public URLs serve only published files."""

import io
import json

import pytest
from bulletin.factories import NoticePageFactory
from bulletin.models import NoticeAttachment
from bulletin.services import estate_collection_for
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from estates.factories import EstateFactory
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

pytestmark = pytest.mark.django_db


def text(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode(errors="replace")


def make_document(estate, title):
    document = Document(title=title, collection=estate.collection)
    document.file.save(f"{title.split()[-1]}.pdf", ContentFile(b"%PDF-1.4 " + title.encode()), save=False)
    document.save()
    return document


def make_image(estate, title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(buffer, "PNG")
    return Image.objects.create(
        title=title, collection=estate.collection, width=4, height=4,
        file=ImageFile(buffer, name=f"{title.split()[-1]}.png"),
    )


@pytest.fixture
def media(estate_a, estate_b):
    return {
        "doc_a": make_document(estate_a, "leaflet HYYDOC"), "doc_b": make_document(estate_b, "leaflet JHYDOC"),
        "img_a": make_image(estate_a, "leaflet HYYIMG"), "img_b": make_image(estate_b, "leaflet JHYIMG"),
    }


def test_a_new_estate_gets_its_collection_and_page_tree():
    estate = EstateFactory(name="新城", code="XC")
    estate.refresh_from_db()
    assert estate.collection is not None
    assert estate.bulletin_home.get_children().count() == 2
    assert estate_collection_for(estate=estate) == estate.collection  # idempotent


@pytest.mark.parametrize("listing", ["/admin/documents/", "/admin/images/", "/admin/documents/chooser/",
                                     "/admin/images/chooser/", "/admin/documents/?q=leaflet", "/admin/images/?q=leaflet"])
def test_listings_and_choosers_show_only_own_estates_files(client_for, secretary_a, media, listing):
    content = text(client_for(secretary_a).get(listing))
    assert "JHYDOC" not in content and "JHYIMG" not in content
    if "documents" in listing:
        assert "HYYDOC" in content
    else:
        assert "HYYIMG" in content


@pytest.mark.parametrize("url", [
    "/admin/documents/edit/{doc_b}/", "/admin/documents/delete/{doc_b}/", "/admin/documents/usage/{doc_b}/",
    "/admin/images/{img_b}/", "/admin/images/{img_b}/delete/", "/admin/images/usage/{img_b}/",
    "/admin/documents/chooser/{doc_b}/", "/admin/images/chooser/{img_b}/",
])
def test_another_estates_file_by_url(client_for, secretary_a, media, url):
    response = client_for(secretary_a).get(url.format(doc_b=media["doc_b"].pk, img_b=media["img_b"].pk), follow=True)
    assert "JHYDOC" not in text(response) and "JHYIMG" not in text(response)


def test_another_estates_document_cannot_be_replaced_or_deleted(client_for, secretary_a, media):
    doc_b = media["doc_b"]
    before = doc_b.file.name
    client = client_for(secretary_a)
    client.post(f"/admin/documents/edit/{doc_b.pk}/", {
        "title": "forged", "collection": doc_b.collection_id,
        "file": SimpleUploadedFile("forged.pdf", b"%PDF-1.4 forged"),
    })
    client.post(f"/admin/documents/delete/{doc_b.pk}/")
    client.post(f"/admin/images/{media['img_b'].pk}/delete/")
    doc_b.refresh_from_db()
    assert (doc_b.title, doc_b.file.name) == ("leaflet JHYDOC", before)
    assert Image.objects.filter(pk=media["img_b"].pk).exists()


def test_own_estates_document_can_be_edited(client_for, secretary_a, media):
    doc_a = media["doc_a"]
    response = client_for(secretary_a).post(f"/admin/documents/edit/{doc_a.pk}/", {
        "title": "HYYDOC2", "collection": doc_a.collection_id,
    })
    assert response.status_code == 302
    doc_a.refresh_from_db()
    assert doc_a.title == "HYYDOC2"


def test_public_document_urls_serve_only_published_files(client, estate_a, home_a, media):
    doc = media["doc_a"]
    assert client.get(doc.url).status_code == 404  # not used by any page
    draft = NoticePageFactory(estate=estate_a, title="草稿", slug="draft-notice", live=False)
    NoticeAttachment.objects.create(page=draft, document=doc)
    assert client.get(doc.url).status_code == 404  # used by a draft only
    live = NoticePageFactory(estate=estate_a, title="通知", slug="live-notice")
    NoticeAttachment.objects.create(page=live, document=doc)
    assert client.get(doc.url).status_code == 200


def test_staff_of_the_estate_get_their_drafts_files(client_for, secretary_a, secretary_b, media):
    doc = media["doc_a"]
    assert client_for(secretary_a).get(doc.url).status_code == 200
    assert client_for(secretary_b).get(doc.url).status_code == 404
