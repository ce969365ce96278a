"""Take the README screenshots of the campaign dashboard and a team page from the demo data.

Run it with ``make screenshots`` (or ``.venv/bin/python scripts/screenshots.py`` once the venv
has the test extras). It

1. creates a throwaway SQLite database and instance folder in a temporary directory,
2. sets them up with the real commands, as ``make run`` does: ``assess init-db``,
   ``assess load-questionnaires`` and ``assess demo`` (simulated answers, labelled as demo),
3. serves the app on a free loopback port (werkzeug in a thread, as the browser tests do),
4. signs in as the demo coach through the sign-in form, with Playwright driving Debian's
   Chromium (``/usr/bin/chromium``; no browser is downloaded), and
5. saves full-page PNGs into ``docs/screenshots/``, overwriting them:

   * ``dashboard.png``: the closed demo wave's dashboard at 1280 px,
   * ``team-page.png``: one team's page of that wave at 1280 px,
   * ``dashboard-phone.png``: the same dashboard at a 360 px phone width,

   each compared with the organisation's teams in the wave (``?baseline=wave``), as a coach
   would choose for a wave without a baseline of its own.

Images are taken at device scale factor 1. A page taller than ``--max-height`` pixels is cut
just above the last section heading within that height, so that each file stays small; a
file over 1 MB is reported. Options: ``--out DIR``, ``--campaign NAME`` (default "Maturity
wave 1"), ``--baseline KEY``, ``--team TEXT`` (part of a team's name; by default the first
team the dashboard links to), ``--max-height PX``. It takes about 15 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}
SIZE_LIMIT = 1024 * 1024


def _assess_command() -> list[str]:
    """The ``assess`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "assess"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "flask", "--app", "assess"]


def _environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ASSESS_", "FLASK_"))}
    env["ASSESS_INSTANCE_PATH"] = str(root / "instance")
    env["ASSESS_DATABASE_URL"] = f"sqlite:///{root / 'assess.sqlite3'}"
    return env


def set_up(root: Path) -> dict:
    """Create, migrate and fill the database with the real commands; the demo's description."""
    env = _environment(root)
    assess = _assess_command()
    done = None
    for args in (["init-db"], ["load-questionnaires"], ["demo", "--json"]):
        done = subprocess.run(assess + args, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"assess {args[0]} failed (exit {done.returncode})")
    assert done is not None
    return json.loads(done.stdout)


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve the app configured by the environment on a free loopback port; yield its URL."""
    from werkzeug.serving import make_server

    from assess import create_app
    from assess.extensions import db

    # The app reads its configuration from the environment when it is built: the set-up's
    # environment for that moment only, so this process's own is left as it was.
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(_environment(root))
    try:
        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _cut_height(page, max_height: int) -> tuple[int, int]:
    """The page's full height, and where to cut it: all of it when it fits, otherwise just
    above the last section heading that starts within ``max_height`` (never mid-section)."""
    height = page.evaluate("() => document.documentElement.scrollHeight")
    if height <= max_height:
        return height, height
    tops = page.evaluate("""() => [...document.querySelectorAll('main h2, main h3')]
        .map(h => h.getBoundingClientRect().top + window.scrollY)""")
    above = [int(top) - 12 for top in tops if max_height // 2 < top <= max_height]
    return height, max(above) if above else max_height


def _shoot(page, path: Path, max_height: int) -> None:
    height, cut = _cut_height(page, max_height)
    width = page.viewport_size["width"]
    clip = {"x": 0, "y": 0, "width": width, "height": cut}
    page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
    size = path.stat().st_size
    note = f", cut from {height} px" if cut < height else ""
    warn = "  (over 1 MB)" if size > SIZE_LIMIT else ""
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"  {shown}: {width}x{cut}{note}, {size // 1024} KiB{warn}")


def take(url: str, coach: dict, campaign_id: int, *, baseline: str, team: str | None,
         out: Path, max_height: int) -> None:
    from playwright.sync_api import sync_playwright

    dashboard = f"{url}/coach/campaigns/{campaign_id}/results?baseline={baseline}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=DESKTOP, device_scale_factor=1,
                                      color_scheme="light", reduced_motion="reduce")
        page = context.new_page()
        page.goto(url + "/login")
        page.get_by_label("Email").fill(coach["email"])
        page.get_by_label("Password").fill(coach["password"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Your organisations").wait_for()

        page.goto(dashboard, wait_until="networkidle")
        _shoot(page, out / "dashboard.png", max_height)

        links = page.locator(f"a[href*='/coach/campaigns/{campaign_id}/results/teams/']")
        if team:
            links = links.filter(has_text=team)
        if links.count() == 0:
            raise SystemExit(f"the dashboard links to no team{' matching ' + team if team else ''}")
        href = links.first.get_attribute("href") or ""
        page.goto(href if href.startswith("http") else url + href, wait_until="networkidle")
        _shoot(page, out / "team-page.png", max_height)

        page.set_viewport_size(PHONE)
        page.goto(dashboard, wait_until="networkidle")
        _shoot(page, out / "dashboard-phone.png", max_height)
        context.close()
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--campaign", default="Maturity wave 1",
                        help="the closed demo campaign to show")
    parser.add_argument("--baseline", default="wave",
                        help="the comparison, as the pages' ?baseline= key (default: the "
                             "organisation's teams in this wave)")
    parser.add_argument("--team", default=None, help="part of the name of the team to show")
    parser.add_argument("--max-height", type=int, default=7000,
                        help="cut taller pages at this many pixels")
    args = parser.parse_args(argv)

    started = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="assess-screenshots-"))
    try:
        info = set_up(root)
        campaigns = [c for c in info["campaigns"] if c["name"] == args.campaign]
        if not campaigns or campaigns[0]["status"] != "closed":
            raise SystemExit(f"no closed demo campaign named {args.campaign!r}")
        print(f"Screenshots of {args.campaign!r} (demo data) into {args.out}:")
        with serve(root) as url:
            take(url, info["coach"], campaigns[0]["id"], baseline=args.baseline,
                 team=args.team, out=args.out, max_height=args.max_height)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"Done in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
