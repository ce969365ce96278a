"""The pure packages import no web, database, form or PDF library.

Each check runs in a fresh interpreter, so modules loaded by other tests (or by conftest's app
fixtures) cannot hide or fake a leak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "wtforms", "flask_wtf", "weasyprint")

PROBE = """
import importlib, json, sys
importlib.import_module({module!r})
forbidden = {forbidden!r}
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] in forbidden or name.startswith("flask_")
)
print(json.dumps(loaded))
"""


def modules_loaded_by_importing(module: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module, forbidden=FORBIDDEN)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"importing {module} failed:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_probe_detects_a_forbidden_import():
    # The probe itself must be able to see a leak, or the tests below prove nothing.
    assert "flask" in modules_loaded_by_importing("flask")


def test_scoring_imports_no_web_database_form_or_pdf_library():
    loaded = modules_loaded_by_importing("assess.scoring")
    assert loaded == [], (
        "importing assess.scoring loaded " + ", ".join(loaded) + "; the package (and the "
        "assess/__init__.py it runs first) must import these lazily"
    )


def test_definitions_imports_no_web_database_form_or_pdf_library():
    assert (REPO / "assess" / "definitions" / "__init__.py").is_file()
    loaded = modules_loaded_by_importing("assess.definitions")
    assert loaded == [], (
        "importing assess.definitions loaded " + ", ".join(loaded) + "; the package (and "
        "the assess/__init__.py it runs first) must import these lazily"
    )
