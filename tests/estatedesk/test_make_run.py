"""`make run` (scripts/run_dev.py): a short output, each line once, the logins last."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter

from tests.support.installation import ROOT, Installation, operations
from tests.support.redis_server import free_port


@operations
def test_make_run_prints_the_logins_last_and_each_line_once(populated_sqlite, tmp_path):
    shutil.copytree(populated_sqlite.var, tmp_path / "var")
    installation = Installation(tmp_path)
    env = {**installation.env, "RUN_ADDRESS": f"127.0.0.1:{free_port()}", "LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "scripts/run_dev.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if "Ctrl-C stops" in line:
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    output = "\n".join(lines)
    assert lines and "Ctrl-C stops" in lines[-1], output
    assert len(lines) < 60, output
    last = lines[-14:]
    assert any("manager" in line for line in last) and any("Demo logins" in line for line in last), output
    repeated = [line for line, n in Counter(line for line in lines if line.strip()).items() if n > 1]
    assert repeated == [], output
    assert "SMS to" not in output
