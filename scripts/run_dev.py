"""`make run`: migrate, load the demo data once, then the web server and the Huey consumer
together; Ctrl-C (or SIGTERM) stops both.

What a first-time user needs (the addresses and the demo logins) is printed last, once the server
answers, not buried in start-up output; migrate and the demo load speak only on warnings.

A small supervisor rather than `cmd1 & cmd2 & wait` in the shell: background jobs of a
non-interactive shell inherit SIGINT as ignored, so Ctrl-C would leave the server running.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "site"
ADDRESS = os.environ.get("RUN_ADDRESS", "127.0.0.1:8000")
COMMANDS = [
    [sys.executable, "manage.py", "run_huey"],
    # --noreload: one server process (the reloader's parent would print every start-up line twice).
    [sys.executable, "manage.py", "runserver", ADDRESS, "--noreload"],
]


def _prepare() -> str:
    """migrate and load_demo, quietly; returns load_demo's summary and logins."""
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=SITE, env=env, check=True)
    demo = subprocess.run([sys.executable, "manage.py", "load_demo"], cwd=SITE, env=env, check=True,
                          capture_output=True, text=True)
    return demo.stdout.strip()


def _wait_until_ready(children, timeout=120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(child.poll() is None for child in children):
        try:
            with urllib.request.urlopen(f"http://{ADDRESS}/healthz", timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def main() -> int:
    summary = _prepare()
    children = [subprocess.Popen(cmd, cwd=SITE) for cmd in COMMANDS]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        if _wait_until_ready(children):
            print(f"\n{summary}\n\nAdmin: http://{ADDRESS}/admin/   Bulletin: http://{ADDRESS}/   "
                  "Ctrl-C stops the server and the worker.", flush=True)
        while all(child.poll() is None for child in children):
            try:
                children[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    except KeyboardInterrupt:
        pass
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
