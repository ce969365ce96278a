"""The wheel ships: built from the source tree, installed into a new virtual environment and
run from outside the source tree, it creates its database, loads the demo and serves pages.

The wheel is built (``pip wheel``, with build isolation) from a copy of the working tree, so
nothing is written into the checkout. The new environment gets the wheel without its
dependencies, and sees the dependencies already installed in the test environment through a
``.pth`` file naming a folder of links to them; the links leave out the checkout's own
``assess`` (its editable finder and metadata), so the only ``assess`` there is the wheel's.
``ASSESS_WHEEL_TEST_FULL_INSTALL=1`` installs the wheel with its dependencies from the package
index instead (slower, needs the network), which also proves the declared dependencies are
complete.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SECRET_KEY = "wheel-test-secret-key-not-for-production"
# Top-level source folders shipped inside the package, and where the wheel puts them.
CONTENT = {"questionnaires": "assess/_content/questionnaires",
           "templates": "assess/_content/templates",
           "reports": "assess/_content/reports",
           "assess/static": "assess/static",
           "assess/migrations": "assess/migrations"}
# What a copy of the working tree leaves out: local state, caches, build output.
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "instance", "*.egg-info",
                                    "__pycache__", "*.pyc", "node_modules", ".pytest_cache",
                                    ".ruff_cache", "test-results")
TIMEOUT = 300


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = TIMEOUT) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (
        f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would point Python or Assess at the checkout."""
    env = {name: value for name, value in os.environ.items()
           if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
           and not name.startswith(("ASSESS_", "FLASK_"))}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", **extra)
    return env


def _source_files(folder: str) -> set[str]:
    """The files of a shipped source folder, relative to it (caches left out)."""
    root = REPO / folder
    return {path.relative_to(root).as_posix() for path in root.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel-build")
    source, out = root / "source", root / "dist"
    shutil.copytree(REPO, source, ignore=NOT_COPIED, symlinks=True)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
          str(source)], cwd=root, env=_clean_env())
    (built,) = out.glob("assess-*.whl")
    return built


def _shared_site_packages(folder: Path) -> Path:
    """A folder of links to the packages installed for this test run, without Assess."""
    holders = {Path(str(dist.locate_file(""))).resolve()
               for dist in importlib.metadata.distributions()}
    folder.mkdir()
    for entry in dict.fromkeys(Path(p).resolve() for p in sys.path if p):
        if entry not in holders or entry == REPO:
            continue
        for item in entry.iterdir():
            name = item.name.lower()
            if (name.startswith(("assess", "__editable__", "__pycache__"))
                    or name.endswith(".pth") or (folder / item.name).exists()):
                continue
            (folder / item.name).symlink_to(item)
    return folder


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    root = tmp_path_factory.mktemp("wheel-venv")
    env_dir = root / "venv"
    _run([sys.executable, "-m", "venv", str(env_dir)], cwd=root, env=_clean_env())
    python = env_dir / "bin" / "python"
    if os.environ.get("ASSESS_WHEEL_TEST_FULL_INSTALL") == "1":
        _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=root,
             env=_clean_env(), timeout=600)
    else:
        site = Path(_run([str(python), "-c", "import sysconfig; "
                          "print(sysconfig.get_paths()['purelib'])"], cwd=root).strip())
        shared = _shared_site_packages(root / "shared-site-packages")
        (site / "zz_assess_test_shared.pth").write_text(f"{shared}\n")
        _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
             cwd=root, env=_clean_env())
    # The wheel's pinned dependencies are what the environment has.
    _run([str(python), "-m", "pip", "check"], cwd=root, env=_clean_env())
    return env_dir


def test_the_wheel_holds_the_code_and_all_shipped_content(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for source, target in CONTENT.items():
        shipped = {name.removeprefix(target + "/") for name in names
                   if name.startswith(target + "/")}
        assert shipped == _source_files(source), source
    packages = {init.parent.relative_to(REPO).as_posix()
                for init in (REPO / "assess").rglob("__init__.py")}
    assert {f"{package}/__init__.py" for package in packages} <= names
    assert "assess/_content/questionnaires/pmo-apo-maturity/questionnaire.yaml" in names
    assert "assess/_content/templates/auth/login.html" in names
    assert "assess/_content/reports/README.md" in names
    top_level = {name.split("/", 1)[0] for name in names}
    assert top_level == {"assess", wheel.name.split("-py3")[0] + ".dist-info"}
    assert not [name for name in names if name.endswith(".pyc") or "__pycache__" in name]


def _python(venv: Path, code: str, cwd: Path) -> str:
    return _run([str(venv / "bin" / "python"), "-c", code], cwd=cwd, env=_clean_env())


def test_the_installed_package_is_the_wheel_and_reads_its_own_content(
        venv: Path, tmp_path: Path) -> None:
    found = json.loads(_python(venv, (
        "import json, os, sys, assess, assess.content as c; print(json.dumps({"
        "'assess': assess.__file__, 'path': [os.path.abspath(p) for p in sys.path],"
        "'content': [str(c.content_dir(n)) for n in c.CONTENT_FOLDERS]}))"), cwd=tmp_path))
    inside = venv.resolve()
    assert Path(found["assess"]).resolve().is_relative_to(inside)
    for folder in found["content"]:
        assert Path(folder).resolve().is_relative_to(inside / "lib"), folder
    assert not [p for p in found["path"] if Path(p).resolve() == REPO]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(venv: Path, tmp_path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """The installed wheel, prepared with its CLI and served by gunicorn: (URL, demo JSON)."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _clean_env(ASSESS_INSTANCE_PATH=str(tmp_path / "instance"),
                     ASSESS_SECRET_KEY=SECRET_KEY, ASSESS_BASE_URL=base_url)
    assess = str(venv / "bin" / "assess")
    _run([assess, "init-db"], cwd=tmp_path, env=env)
    checked = _run([assess, "validate"], cwd=tmp_path, env=env)
    # The shipped questionnaires, read from the installed copy.
    assert str(venv.resolve() / "lib") in checked
    demo = json.loads(_run([assess, "demo", "--json"], cwd=tmp_path, env=env))
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            # -m: without its dependencies installed, the new environment has no gunicorn script.
            [str(venv / "bin" / "python"), "-m", "gunicorn", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", "assess:create_app()"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _get(base_url + "/static/assess.css") is None:
            assert process.poll() is None, f"gunicorn exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn not ready:\n{log_path.read_text()}"
            time.sleep(0.1)
        yield base_url, demo
    finally:
        # The server runs in its own process group: stop master and worker together.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log_text = log_path.read_text(errors="replace")
    assert "Traceback" not in log_text, log_text


def _get(url: str, opener: urllib.request.OpenerDirector | None = None
         ) -> tuple[int, str] | None:
    """(status, body) of a GET, or None while nothing listens."""
    opener = opener or urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError):
        return None


def test_the_installed_wheel_serves_sign_in_survey_and_static_files(
        served: tuple[str, dict[str, object]]) -> None:
    base_url, demo = served
    status, body = _get(base_url + "/login") or (0, "")
    assert status == 200
    assert "Sign in" in body
    assert 'name="email"' in body
    assert 'name="password"' in body

    campaigns = demo["campaigns"]
    assert isinstance(campaigns, list)
    (open_wave,) = [c for c in campaigns if c["status"] == "open"]
    link = open_wave["teams"][0]["url"]
    assert link.startswith(base_url + "/s/")
    respondent = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPCookieProcessor(CookieJar()))
    status, body = _get(link, respondent) or (0, "")
    assert status == 200
    assert "Your answers are anonymous" in body
    assert open_wave["teams"][0]["name"] in body

    status, css = _get(base_url + "/static/assess.css") or (0, "")
    assert status == 200
    assert css == (REPO / "assess" / "static" / "assess.css").read_text()
