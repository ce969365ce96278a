"""scripts/screenshots.py end to end: it sets up a throwaway demo, signs in through the form
and writes the three README screenshots at their widths, each under 1 MB."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshots.py"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_script_writes_the_three_screenshots(tmp_path: Path) -> None:
    # In a process of its own: the browser tests of this session already run an event loop,
    # in which Playwright's synchronous API refuses to start.
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--max-height", "3000"],
        capture_output=True, text=True, timeout=300, env=dict(os.environ), check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    widths = {"dashboard.png": 1280, "team-page.png": 1280, "dashboard-phone.png": 360}
    for name, width in widths.items():
        path = tmp_path / name
        shot_width, shot_height = _png_size(path)
        assert shot_width == width
        assert 600 < shot_height <= 3000  # cut above a heading when the page is taller
        assert path.stat().st_size < 1024 * 1024
    assert "cut from" in done.stdout
