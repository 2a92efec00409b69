"""An SMS provider for tests that run workers in other processes: each send is a line in the file
named by SMS_OUTBOX_FILE, after a delay like a real provider's."""

import os
import time


class FileSmsBackend:
    delay = float(os.environ.get("SMS_DELAY", "0.05"))

    def send(self, *, to: str, text: str) -> None:
        time.sleep(self.delay)
        with open(os.environ["SMS_OUTBOX_FILE"], "a", encoding="utf-8") as outbox:
            outbox.write(f"{to}\n")


def sent(path) -> list[str]:
    return path.read_text().split() if path.exists() else []
