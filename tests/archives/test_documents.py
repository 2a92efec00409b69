"""Electronic files of documents: checked on upload, served only to those who may view them."""

import pytest
from archives.factories import DocumentFactory
from archives.models import Document
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _document(estate, upload):
    return Document(estate=estate, title="合同", category="contract", year=2026, file=upload)


def test_a_pdf_is_accepted(estate_a):
    _document(estate_a, SimpleUploadedFile("合同.pdf", PDF)).full_clean()


@pytest.mark.parametrize("name, content, code", [
    ("run.exe", b"MZ....", "file_type"),
    ("fake.pdf", b"<html>not a pdf</html>", "file_content"),
    ("big.txt", b"x" * (1024 * 1024 + 1), "file_size"),
])
def test_bad_uploads_are_refused(estate_a, settings, name, content, code):
    settings.ARCHIVES_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as exc:
        _document(estate_a, SimpleUploadedFile(name, content)).full_clean()
    assert [e.code for e in exc.value.error_dict["file"]] == [code]


def test_clerk_uploads_through_the_admin_and_the_file_is_served_only_in_the_estate(
    client_for, clerk_a, clerk_b, secretary_a, estate_a
):
    data = {"estate": estate_a.pk, "title": "电梯维保合同", "category": "contract", "year": 2026,
            "reference": "HT-1", "cabinet": "1", "box": "2", "confidentiality": "internal", "notes": "",
            "file": SimpleUploadedFile("ht.pdf", PDF, content_type="application/pdf")}
    response = client_for(clerk_a).post(reverse("wagtailsnippets_archives_document:add"), data)
    assert response.status_code == 302
    document = Document.objects.get()
    url = reverse("archives_document_file", args=(document.pk,))
    inspect = client_for(secretary_a).get(reverse("wagtailsnippets_archives_document:inspect", args=(document.pk,)))
    assert url in inspect.content.decode()
    download = client_for(secretary_a).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(clerk_b).get(url).status_code == 404


def test_admin_upload_of_a_disguised_file_shows_an_error(client_for, clerk_a, estate_a):
    data = {"estate": estate_a.pk, "title": "x", "category": "other", "year": 2026, "confidentiality": "internal",
            "file": SimpleUploadedFile("x.pdf", b"#!/bin/sh\nrm -rf /\n")}
    response = client_for(clerk_a).post(reverse("wagtailsnippets_archives_document:add"), data)
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not Document.objects.exists()


def test_document_without_a_file_has_no_download(client_for, clerk_a, estate_a):
    document = DocumentFactory(estate=estate_a)
    assert client_for(clerk_a).get(reverse("archives_document_file", args=(document.pk,))).status_code == 404
