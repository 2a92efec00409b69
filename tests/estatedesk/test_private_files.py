"""Private files (import uploads, archive documents, ticket photos) are stored outside
MEDIA_ROOT, no URL serves them, and only the scoped views hand them out."""

import uuid
from pathlib import Path

import pytest
from archives.factories import DocumentFactory
from archives.models import Document
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from estatedesk.storage import move_to_private, private_storage
from estates import roles
from servicedesk.factories import TicketFactory
from spreadsheets.factories import ImportJobFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 20


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content


def _is_private(name: str, settings) -> bool:
    return (Path(settings.PRIVATE_MEDIA_ROOT) / name).is_file() and not (Path(settings.MEDIA_ROOT) / name).exists()


def test_the_private_root_is_outside_media_root(settings):
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert Path(settings.MEDIA_ROOT).resolve() not in private.parents
    with pytest.raises(ValueError):
        private_storage().url("archives/documents/2026/x.pdf")


def test_an_archive_document_uploaded_in_the_admin_is_private(client, client_for, clerk_a, clerk_b, estate_a, settings):
    data = {"estate": estate_a.pk, "title": "电梯维保合同", "category": "contract", "year": 2026,
            "reference": "HT-1", "cabinet": "1", "box": "2", "confidentiality": "internal", "notes": "",
            "file": SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")}
    assert client_for(clerk_a).post(reverse("wagtailsnippets_archives_document:add"), data).status_code == 302
    name = Document.objects.get().file.name
    assert _is_private(name, settings)
    # The URL it had when uploads sat under MEDIA_ROOT answers 404, to anyone.
    assert client.get(f"/media/{name}").status_code == 404
    assert client_for(clerk_a).get(f"/media/{name}").status_code == 404
    url = reverse("archives_document_file", args=(Document.objects.get().pk,))
    download = client_for(clerk_a).get(url)
    assert download.status_code == 200 and _body(download) == PDF
    assert client_for(clerk_b).get(url).status_code == 404
    assert client.get(url).status_code in (302, 403)


def test_an_import_upload_is_private(client, client_for, clerk_a, settings):
    job = ImportJobFactory(user=clerk_a, original_name="业主名单.csv")
    assert job.file.name.startswith("spreadsheets/imports/")
    assert _is_private(job.file.name, settings)
    assert client.get(f"/media/{job.file.name}").status_code == 404


def test_a_ticket_photo_is_private_and_shown_only_through_the_ticket(client, client_for, make_user, estate_a, estate_b, house_a, settings):
    ticket = TicketFactory(house=house_a, estate=estate_a)
    ticket.photo.save("leak.png", ContentFile(PNG))
    assert _is_private(ticket.photo.name, settings)
    assert client.get(f"/media/{ticket.photo.name}").status_code == 404
    url = reverse("servicedesk_ticket_photo", args=(ticket.pk,))
    supervisor_a = make_user(roles.SUPERVISOR, [estate_a], username="sup_a")
    supervisor_b = make_user(roles.SUPERVISOR, [estate_b], username="sup_b")
    page = client_for(supervisor_a).get(reverse("servicedesk_ticket", args=(ticket.pk,)))
    assert url in page.content.decode() and f"/media/{ticket.photo.name}" not in page.content.decode()
    photo = client_for(supervisor_a).get(url)
    assert photo.status_code == 200 and _body(photo) == PNG
    assert client_for(supervisor_b).get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the sign-in


def test_files_uploaded_before_are_moved_out_of_media_root(settings):
    document = DocumentFactory()
    name = f"archives/documents/2025/old-{uuid.uuid4().hex}.pdf"
    old = Path(settings.MEDIA_ROOT) / name
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(PDF)
    Document.objects.filter(pk=document.pk).update(file=name)
    assert move_to_private(Document, "file") == 1
    assert _is_private(name, settings) and (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes() == PDF
    assert move_to_private(Document, "file") == 0  # idempotent


def test_bulletin_images_stay_public_and_nothing_else_under_media_is_served(client, settings):
    image = Path(settings.MEDIA_ROOT) / "original_images" / "banner.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(PNG)
    assert client.get("/media/original_images/banner.png").status_code == 200
    other = Path(settings.MEDIA_ROOT) / "documents" / "draft.pdf"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(PDF)
    # Wagtail documents go through its own /documents/ view, never straight from the folder.
    assert client.get("/media/documents/draft.pdf").status_code == 404
