"""Browser tests: Debian's Chromium driven by Playwright against a live, threaded server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from assess import create_app
from tests.conftest import close_database, copy_demo, make_config

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    # Never a downloaded browser: Debian's Chromium, with its background networking off.
    return {
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"],
    }


class LiveServer:
    def __init__(self, app, url: str) -> None:
        self.app = app
        self.url = url

    def team_link(self, team_index: int = 0) -> str:
        from assess.services.links import link_rows
        from assess.services.lookup import campaign_by_ref

        with self.app.app_context():
            path = link_rows(campaign_by_ref("Maturity wave 2"))[team_index]["url"]
        return self.url + path[path.index("/s/"):]


@pytest.fixture
def live_server(tmp_path: Path, demo_db: tuple[Path, Path]) -> Iterator[LiveServer]:
    database, instance = copy_demo(tmp_path, demo_db)
    app = create_app(make_config(instance, database))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        close_database(app)


@pytest.fixture(scope="session")
def base_url() -> None:
    # Our own base_url (tests use absolute URLs of their live server): the plugin's built-in
    # fixture warns, which is fatal under -W error.
    return None
