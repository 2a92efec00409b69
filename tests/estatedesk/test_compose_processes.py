"""What compose.yaml declares, without Docker: the web (gunicorn, production settings) and the
worker (run_huey) as separate processes with separate working folders, sharing only the media
folder, the database and Redis, through a large import (uploaded by the web, read by the worker)."""

import io
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from openpyxl import Workbook

from tests.support.installation import ROOT, SITE, Installation, operations
from tests.support.redis_server import free_port

ROWS = 2100

pytestmark = [
    operations,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary"),
]

SETUP = f"""
from estates.models import Building, Estate, House
from django.contrib.auth.models import User
estate = Estate.objects.get(code="HYY")
building = Building.objects.create(estate=estate, name="8栋")
House.objects.bulk_create([House(building=building, unit="", room=f"{{i:04d}}", floor=1, area=80) for i in range({ROWS})])
clerk = User.objects.get(username="clerk")
clerk.set_password("compose-test-1")
clerk.save()
print("ready")
"""


def test_compose_file_declares_web_worker_database_redis_and_shared_media():
    compose = (ROOT / "compose.yaml").read_text()
    for service in ("web:", "worker:", "db:", "redis:"):
        assert f"\n  {service}" in compose
    assert "- media:/app/var/media" in compose  # in the anchor both web and worker use
    assert "- private:/app/var/private" in compose  # import uploads are private files
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "STATIC_ROOT=/app/static" in dockerfile and 'VOLUME ["/app/var"]' in dockerfile


def _xlsx() -> bytes:
    from spreadsheets.resources.archives import PersonResource

    columns = dict(PersonResource().columns())
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(columns[n].header) for n in ("estate", "building", "unit", "room", "name", "mobile")])
    for i in range(ROWS):
        sheet.append(["HYY", "8栋", "", f"{i:04d}", f"住户{i}", f"1391{i:07d}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db  # only to read the spreadsheet's column headers
def test_web_and_worker_processes_share_only_media_and_database_through_a_large_import(
    populated_sqlite, redis_server, tmp_path
):
    shared = tmp_path / "shared"
    shutil.copytree(populated_sqlite.var, shared)
    common = {
        # As compose.yaml: web and worker share the public and the private media (an import
        # upload is private), and the database.
        "DATABASE_URL": f"sqlite:///{shared / 'db.sqlite3'}", "MEDIA_ROOT": str(shared / "media"),
        "PRIVATE_MEDIA_ROOT": str(shared / "private"),
        "REDIS_URL": redis_server.url, "DJANGO_SETTINGS_MODULE": "estatedesk.settings.production",
        "SECRET_KEY": "compose-test-secret-key-long-and-random-enough-0123456789", "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING",
    }
    web = Installation(tmp_path / "web", **common, STATIC_ROOT=str(tmp_path / "web" / "static"))
    worker = Installation(tmp_path / "worker", **common)
    assert "ready" in web.python(SETUP)
    web.manage("collectstatic", "--no-input", "-v0")
    port = free_port()
    processes = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "estatedesk.wsgi:application", "--bind",
                          f"127.0.0.1:{port}", "--workers", "2"], cwd=SITE, env=web.env,
                         stdout=open(tmp_path / "web.log", "w"), stderr=subprocess.STDOUT),
        subprocess.Popen([sys.executable, "manage.py", "run_huey"], cwd=SITE, env=worker.env,
                         stdout=open(tmp_path / "worker.log", "w"), stderr=subprocess.STDOUT),
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        session = requests.Session()
        deadline = time.monotonic() + 180
        while True:
            try:
                assert session.get(f"{base}/healthz", timeout=30).json()["status"] == "ok"
                break
            except (requests.RequestException, AssertionError):
                assert time.monotonic() < deadline, (tmp_path / "web.log").read_text()[-3000:]
                time.sleep(0.5)
        # Production cookies are Secure: the proxy says HTTPS, the cookies are sent by hand.
        https = {"X-Forwarded-Proto": "https"}

        def send(method, path, **kwargs):
            cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
            headers = {**https, "Referer": f"https://127.0.0.1:{port}{path}", "Cookie": cookies}
            return session.request(method, f"{base}{path}", headers=headers, allow_redirects=False,
                                   timeout=60, **kwargs)

        login = send("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        response = send("POST", "/admin/login/", data={"csrfmiddlewaretoken": token, "username": "clerk",
                                                        "password": "compose-test-1", "next": "/admin/"})
        assert response.status_code == 302, response.text[:2000]
        key = "archives.household"
        page = send("GET", f"/admin/spreadsheets/{key}/import/")
        assert page.status_code == 200 and "/static/" in page.text  # static files served (manifest)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = send("POST", f"/admin/spreadsheets/{key}/import/", data={"csrfmiddlewaretoken": token},
                        files={"file": ("大文件.xlsx", _xlsx())})
        assert response.status_code == 302, response.text[:2000]
        job_path = response.headers["Location"]
        job_id = re.search(r"/jobs/(\d+)/", job_path).group(1)

        def progress():
            return send("GET", f"/admin/spreadsheets/jobs/{job_id}/progress.json").json()

        def wait_for(status, timeout):
            deadline = time.monotonic() + timeout
            while (data := progress())["status"] != status:
                assert data["status"] not in ("failed", "cancelled"), data
                assert time.monotonic() < deadline, (data, (tmp_path / "worker.log").read_text()[-3000:])
                time.sleep(1)
            return data

        wait_for("preview", 300)  # checked by the worker, which read the upload from the shared media
        job_page = send("GET", job_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', job_page.text).group(1)
        confirmed = send("POST", f"/admin/spreadsheets/jobs/{job_id}/confirm/",
                         data={"csrfmiddlewaretoken": token, "mode": "all"})
        assert confirmed.status_code == 302, confirmed.text[:2000]
        done = wait_for("done", 600)
        assert done["done"] == ROWS
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    imported = worker.python("from archives.models import Person; print(Person.objects.filter(mobile__startswith='1391').count())")
    assert imported.split()[-1] == str(ROWS)
    assert not (Path(tmp_path / "worker" / "var" / "media")).exists() or not any((tmp_path / "worker" / "var" / "media").iterdir())
