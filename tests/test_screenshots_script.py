"""scripts/screenshots.py end to end: it sets up a throwaway demo, signs in through the form
and writes the three README screenshots at their widths, each under 1 MB."""

from __future__ import annotations

import importlib.util
import os
import struct
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshots.py"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_script_writes_the_three_screenshots(tmp_path: Path, capsys) -> None:
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    environment = dict(os.environ)

    assert module.main(["--out", str(tmp_path), "--max-height", "3000"]) == 0

    assert dict(os.environ) == environment
    widths = {"dashboard.png": 1280, "team-page.png": 1280, "dashboard-phone.png": 360}
    for name, width in widths.items():
        path = tmp_path / name
        shot_width, shot_height = _png_size(path)
        assert shot_width == width
        assert 600 < shot_height <= 3000  # cut above a heading when the page is taller
        assert path.stat().st_size < 1024 * 1024
    assert "cut from" in capsys.readouterr().out
