"""`make run`: the web server and the Huey consumer together; Ctrl-C (or SIGTERM) stops both.

A small supervisor rather than `cmd1 & cmd2 & wait` in the shell: background jobs of a
non-interactive shell inherit SIGINT as ignored, so Ctrl-C would leave the server running.
"""

import signal
import subprocess
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "site"
COMMANDS = [
    [sys.executable, "manage.py", "run_huey"],
    [sys.executable, "manage.py", "runserver", "127.0.0.1:8000"],
]


def main() -> int:
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
