"""Cached bulletin page, and cached pages API listing, vs a static file of the same size, served by
the same gunicorn.

What it does, all on 127.0.0.1 and bounded:
1. a temporary var/ (SQLite database, file cache, static root), migrated and filled with the
   demo data plus NOTICES notices per estate (production settings, DEBUG off);
2. gunicorn with 2 sync workers; one notice page and one API listing (API_PATH) are fetched to
   learn their bytes, then static files of exactly those bytes are written into the static root
   and gunicorn is restarted (WhiteNoise indexes the static root at start-up);
3. a fixed number of GET requests (CONCURRENCY threads, http.client, one connection per request
   as gunicorn's sync workers close it) to the cached page, the cached API listing and their
   static twins, in alternating rounds so that all see the same machine;
4. prints requests per second, the ratios and the load average. Target: each ratio >= 0.5.

Usage: .venv/bin/python benchmarks/bulletin_throughput.py [--requests 3000] [--notices 300]
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
PAGE_PATH = "/hyy/notices/notice-7/"
#: An app's listing of an estate's current notices (issue 21): 20 items with their category.
API_PATH = "/api/v2/pages/?type=bulletin.NoticePage&estate=HYY&fields=category,urgent,title_en,expires_at"

FILL = """
import random
from datetime import timedelta
from django.utils import timezone
from bulletin.models import BulletinHomePage, NoticePage, Category
from bulletin.services import bulletin_setup, notice_index_of
from estates.demo import build_houses
from estates.factories import EstateFactory
estates = [EstateFactory(name="和悦苑", code="HYY"), EstateFactory(name="锦华园", code="JHY")]
for estate in estates:
    build_houses(estate=estate, count=1000, rng=random.Random(1))
bulletin_setup(estates=estates)
body = "<p>" + "因供水管道检修，3 栋、5 栋停水，请提前储水。" * 20 + "</p>"
for home in BulletinHomePage.objects.all():
    index = notice_index_of(home)
    for i in range({notices}):
        page = NoticePage(title=f"第{{i}}号通知", slug=f"notice-{{i}}", category=Category.values[i % 9],
                          body=body, title_en=f"Notice {{i}}", body_en="<p>English body</p>",
                          expires_at=timezone.now() + timedelta(days=30))
        index.add_child(instance=page)
        page.save_revision().publish()
print(NoticePage.objects.count())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(env, *args, input_code: str | None = None) -> str:
    command = [PYTHON, "manage.py", *args]
    done = subprocess.run(command, cwd=SITE, env=env, check=True, capture_output=True, text=True, input=input_code)
    return done.stdout


def start_gunicorn(env, port) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "estatedesk.wsgi:application", "--workers", "2", "--bind", f"{HOST}:{port}",
         "--log-level", "warning", "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null"],
        cwd=SITE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(port, "/healthz")
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, "Accept-Language": "zh-CN", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def load(port: int, path: str, *, requests: int, concurrency: int, headers: dict | None = None) -> float:
    """Exactly `requests` GETs spread over `concurrency` threads; returns requests per second."""
    per_thread = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]
    errors = []

    def worker(count):
        for _ in range(count):
            status, _body, _headers = get(port, path, headers)
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in per_thread]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} failed requests to {path}: {errors[:5]}")
    return requests / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000, help="requests per target (default 3000)")
    parser.add_argument("--notices", type=int, default=300, help="notices per estate (default 300)")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="estatedesk-bench-bulletin-"))
    env = {
        **os.environ,
        "ESTATEDESK_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "DJANGO_SETTINGS_MODULE": "estatedesk.settings.production",
        "SECRET_KEY": "benchmark-only-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    process = None
    try:
        t0 = time.perf_counter()
        manage(env, "migrate", "--no-input", "-v0")
        total = manage(env, "shell", input_code=FILL.format(notices=args.notices)).strip().splitlines()[-1]
        manage(env, "collectstatic", "--no-input", "-v0")
        print(f"data: 2 estates, 2000 houses, {total} notices; filled in {time.perf_counter() - t0:.0f} s", flush=True)

        port = free_port()
        process = start_gunicorn(env, port)
        targets = {}  # name: (path, static path, size)
        static_dir = var / "static" / "bench"
        static_dir.mkdir(parents=True, exist_ok=True)
        for name, path, suffix in (("notice page", PAGE_PATH, "html"), ("API listing", API_PATH, "json")):
            status, body, headers = get(port, path)
            assert status == 200, (path, status)
            # The same bytes: same size, same type.
            (static_dir / f"same-size.{suffix}").write_bytes(body)
            targets[name] = (path, f"/static/bench/same-size.{suffix}", len(body))
        stop(process)

        process = start_gunicorn(env, port)
        for path, static_path, _size in targets.values():
            assert get(port, static_path)[0] == 200
            get(port, path)
            status, _body, headers = get(port, path)
            assert headers.get("X-Bulletin-Cache") == "hit", (path, headers)
            load(port, path, requests=100, concurrency=args.concurrency)  # warm-up
            load(port, static_path, requests=100, concurrency=args.concurrency)

        rounds = 3
        rps = {name: ([], []) for name in targets}  # name: (cached, static)
        load_averages = [os.getloadavg()[0]]
        for _ in range(rounds):
            for name, (path, static_path, _size) in targets.items():
                rps[name][1].append(load(port, static_path, requests=args.requests // rounds, concurrency=args.concurrency))
                rps[name][0].append(load(port, path, requests=args.requests // rounds, concurrency=args.concurrency))
            load_averages.append(os.getloadavg()[0])
        # For reference, the API rendered every time: a session cookie (unknown here, so still an
        # anonymous reader) keeps a request away from the cache.
        uncached = load(port, API_PATH, requests=max(args.requests // 10, 50), concurrency=args.concurrency,
                        headers={"Cookie": "sessionid=benchmark"})
        print(f"{args.requests} requests per target, {args.concurrency} client threads, 2 gunicorn sync workers, "
              f"{os.cpu_count()} cores; load average (1 min) during the run: "
              f"{min(load_averages):.1f}-{max(load_averages):.1f}")
        for name, (path, _static_path, size) in targets.items():
            cached, static = (sum(values) / rounds for values in rps[name])
            ratio = cached / static
            print(f"{name}: {path} ({size} bytes)")
            print(f"  static file : {static:8.0f} req/s")
            print(f"  cached      : {cached:8.0f} req/s")
            print(f"  ratio       : {ratio:8.2f}  (target >= 0.50) {'OK' if ratio >= 0.5 else 'BELOW TARGET'}")
        print(f"API listing uncached (session cookie): {uncached:8.0f} req/s")
    finally:
        if process is not None and process.poll() is None:
            stop(process)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
