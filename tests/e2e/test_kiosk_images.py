"""Four 144-megapixel PNGs sent at once to the served till's camera endpoint (gunicorn, one worker,
four threads): each is refused from its header, and the worker's peak memory stays small (it reached
3.9 GB when they were decoded whole)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from merchant_kiosk.identity import database_path
from merchant_kiosk.schema import open_database
from tests.e2e.servers import familycard_process
from tests.e2e.till_client import TillClient

pytestmark = pytest.mark.e2e


def test_four_huge_images_at_once_stay_small(tmp_path: Path) -> None:
    huge = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(huge, "PNG")
    instance = tmp_path / "till"
    instance.mkdir()
    open_database(database_path(instance)).close()
    args = ["kiosk", "serve", "--instance", str(instance)]
    env = {"FAMILYCARD_PASSPHRASE": "e2e-passphrase-123"}
    with familycard_process(args, env, "/static/kiosk.css", tmp_path / "till.log") as server:
        with TillClient(server.base) as browser:
            browser.open()
            headers = {"Cookie": browser.cookie, "X-CSRF-Token": browser.csrf, "Content-Type": "image/png"}
        answers: list[dict[str, str | None]] = []

        def send() -> None:
            request = urllib.request.Request(
                server.base + "/scan/frame", data=huge.getvalue(), method="POST", headers=headers
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append(json.loads(response.read()))

        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        workers = subprocess.run(
            ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=True
        ).stdout.split()
        peaks = [
            int(re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1))  # type: ignore[union-attr]
            for pid in workers
        ]
    assert answers == [{"code": None, "reason": "image_too_large"}] * 4
    assert peaks and max(peaks) < 300 * 1024  # kB
