"""电子版与纸质版同步: documents lacking the electronic file or the paper copy are a filter of the
listing, a column of the export and a count on the admin home page."""

import pytest
from archives.factories import DocumentFactory
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.spreadsheets.conftest import content_of, read_xlsx


@pytest.fixture
def documents(estate_a, estate_b, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    both = DocumentFactory(estate=estate_a, title="同步文件", cabinet="A", box="1")
    both.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    DocumentFactory(estate=estate_a, title="文件乙", cabinet="A", box="2")
    paperless = DocumentFactory(estate=estate_a, title="文件丙", cabinet="", box="")
    paperless.file.save("b.pdf", ContentFile(b"%PDF-1.4"), save=True)
    DocumentFactory(estate=estate_b, title="别的小区", cabinet="", box="")


def test_filter_export_column_and_home_count(client_for, clerk_a, documents):
    client = client_for(clerk_a)
    listing = reverse("wagtailsnippets_archives_document:list")
    page = client.get(listing + "?sync=out_of_step").content.decode()
    assert "文件乙" in page and "文件丙" in page and "同步文件" not in page and "别的小区" not in page
    page = client.get(listing + "?sync=missing_paper").content.decode()
    assert "文件丙" in page and "文件乙" not in page
    rows = read_xlsx(content_of(client.get(reverse("spreadsheets:export", args=["archives.document"]) + "?format=xlsx")))
    column = rows[0].index("电子版与纸质版")
    states = {row[rows[0].index("标题")]: row[column] for row in rows[1:]}
    assert states == {"同步文件": "电子版与纸质版一致", "文件乙": "缺电子版", "文件丙": "缺纸质版"}
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-panel="documents-out-of-step"' in home and "<strong data-count>2</strong>" in home
