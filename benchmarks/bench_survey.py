"""Server CPU per request of the respondent journey, and SQLite under concurrent writers.

Prepares a fresh SQLite instance with the CLI (``assess init-db``, ``assess demo --json``),
starts ``gunicorn`` (sync workers, 2 by default) on loopback and measures the CPU time the
worker processes spend per request (utime + stime from ``/proc/<pid>/stat`` before and after
a batch of sequential requests, so client time and idle waits are not counted) for

* ``static``: ``GET /static/assess.css``, the lightest route through the app (Flask's static
  file view, no database): the baseline,
* ``invalid_link``: ``GET /s/<unknown token>``, a 404 through the survey blueprint (a
  well-formed token, so a link lookup in the database, and a rendered template), shown as a
  second reference,
* ``page_save``: ``POST /s/page/<n>`` with a full page of answers and a comment,
* ``submit``: the final ``POST /s/submit`` of a response prepared up to its review page,

each the median of several runs of N requests, reported as the ratio to ``static`` measured
in the same run (target: page save and submit at most 3x). Then 32 concurrent writers (one
session each) save pages at once against a gunicorn with more sync workers (8 by default, so
that several processes really compete for SQLite's write lock): the target is zero
"database is locked" errors and zero 5xx.

Usage: python benchmarks/bench_survey.py [--runs 5] [--requests 200] [--submits 40]
       [--workers 2] [--writers 32] [--writer-workers 8] [--json FILE|-]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The server tests' gunicorn wrapper and HTTP client.
from tests.server.gunicorn_server import GunicornServer  # noqa: E402
from tests.server.journey import Respondent  # noqa: E402

SECRET_KEY = "benchmark-secret-key-not-for-production"
PAGES = 9
TICKS = os.sysconf("SC_CLK_TCK")
UNKNOWN_LINK = "/s/" + "A" * 32  # the length of a real token: looked up, not found


class Instance(GunicornServer):
    """A prepared instance folder with a SQLite database and a gunicorn (sync workers) serving
    it; the benchmark also reads its workers' CPU time."""

    failure = SystemExit
    cli_timeout = 300

    def __init__(self, root: Path, workers: int) -> None:
        super().__init__(root, workers=workers, secret_key=SECRET_KEY,
                         gunicorn_args=("--worker-class", "sync"))

    def start(self, timeout: float = 60, *, all_workers: bool = True) -> None:
        super().start(timeout, all_workers=all_workers)
        # Every worker imports the app lazily on its first requests: warm them all up.
        with requests.Session() as warm:
            for _ in range(20 * self.workers):
                warm.get(self.base_url + "/static/assess.css", timeout=30)
                warm.get(self.base_url + UNKNOWN_LINK, timeout=30)

    def cpu_seconds(self) -> float:
        """utime + stime of all worker processes (fields 14 and 15 of /proc/<pid>/stat)."""
        total = 0
        for pid in self.worker_pids():
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
            total += int(fields[11]) + int(fields[12])
        return total / TICKS


def measure(instance: Instance, requests_: list[Callable[[], requests.Response]],
            expect: int) -> dict[str, float]:
    """Run the requests one after another; server CPU and client wall time per request."""
    pids = instance.worker_pids()
    cpu0, wall0 = instance.cpu_seconds(), time.perf_counter()
    for send in requests_:
        response = send()
        if response.status_code != expect:
            raise SystemExit(f"{response.request.method} {response.request.url}: expected "
                             f"{expect}, got {response.status_code}\n{response.text[:1000]}")
    wall, cpu = time.perf_counter() - wall0, instance.cpu_seconds() - cpu0
    if instance.worker_pids() != pids:
        raise SystemExit("a worker restarted during the measurement")
    return {"cpu_ms": 1000 * cpu / len(requests_), "wall_ms": 1000 * wall / len(requests_)}


def prepared_to_review(instance: Instance, links: list[str], count: int,
                       seed: int) -> list[Respondent]:
    def prepare(i: int) -> Respondent:
        respondent = Respondent(instance.base_url, links[i % len(links)], seed=seed + i)
        respondent.start()
        respondent.answer_pages(1, PAGES)
        respondent.review()
        return respondent

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(prepare, range(count)))


def cpu_ratios(instance: Instance, links: list[str], runs: int, n: int,
               submits: int) -> dict[str, Any]:
    static_client = requests.Session()
    savers = [Respondent(instance.base_url, links[i % len(links)], seed=i) for i in range(4)]
    for saver in savers:
        saver.start()
    page_forms = [saver.page_form(1) for saver in savers]
    per_run: list[dict[str, dict[str, float]]] = []
    try:
        for run in range(runs):
            reviewers = prepared_to_review(instance, links, submits, seed=10_000 + run * 1000)
            result = {
                "static": measure(instance, [
                    lambda: static_client.get(instance.base_url + "/static/assess.css",
                                              timeout=30)] * n, 200),
                "invalid_link": measure(instance, [
                    lambda: static_client.get(instance.base_url + UNKNOWN_LINK,
                                              timeout=30)] * n, 404),
                "page_save": measure(instance, [
                    (lambda s=savers[i % 4], f=page_forms[i % 4]:
                     s.save_page(1, f, follow=False)) for i in range(n)], 302),
                "submit": measure(instance, [
                    (lambda r=r: r.submit(follow=False)) for r in reviewers], 302),
            }
            for reviewer in reviewers:
                reviewer.close()
            per_run.append(result)
            print(f"run {run + 1}/{runs}: " + ", ".join(
                f"{name} {m['cpu_ms']:.2f} ms" for name, m in result.items()), file=sys.stderr)
    finally:
        static_client.close()
        for saver in savers:
            saver.close()
    names = list(per_run[0])
    summary: dict[str, Any] = {}
    for name in names:
        summary[name] = {
            "cpu_ms_median": statistics.median(r[name]["cpu_ms"] for r in per_run),
            "wall_ms_median": statistics.median(r[name]["wall_ms"] for r in per_run),
            "ratio_to_static": statistics.median(
                r[name]["cpu_ms"] / r["static"]["cpu_ms"] for r in per_run),
            "ratio_to_invalid_link": statistics.median(
                r[name]["cpu_ms"] / r["invalid_link"]["cpu_ms"] for r in per_run),
        }
    return {"runs": per_run, "summary": summary}


def concurrent_writers(instance: Instance, links: list[str], writers: int,
                       saves: int) -> dict[str, Any]:
    clients = [Respondent(instance.base_url, links[i % len(links)], seed=50_000 + i)
               for i in range(writers)]
    barrier = threading.Barrier(writers)
    lock = threading.Lock()
    counts = {"saves": 0, "locked": 0, "5xx": 0, "other_status": 0}

    def prepare(client: Respondent) -> Any:
        client.start()
        return client.page_form(1)

    def write(args: tuple[Respondent, Any]) -> None:
        client, form = args
        barrier.wait(timeout=120)
        for _ in range(saves):
            response = client.save_page(1, form, follow=False)
            with lock:
                counts["saves"] += 1
                counts["locked"] += "database is locked" in response.text
                if response.status_code >= 500:
                    counts["5xx"] += 1
                elif response.status_code != 302:
                    counts["other_status"] += 1

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            forms = list(pool.map(prepare, clients))
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=writers) as pool:
            list(pool.map(write, zip(clients, forms, strict=True)))
        elapsed = time.perf_counter() - start
    finally:
        for client in clients:
            client.close()
    log = instance.log()
    counts["locked_in_server_log"] = log.count("database is locked")
    counts["tracebacks_in_server_log"] = log.count("Traceback")
    return {**counts, "writers": writers, "seconds": elapsed,
            "saves_per_second": counts["saves"] / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    parser.add_argument("--submits", type=int, default=40, help="submits per run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (CPU)")
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--writer-saves", type=int, default=20, help="page saves per writer")
    parser.add_argument("--writer-workers", type=int, default=8,
                        help="gunicorn sync workers for the concurrent-writers part")
    parser.add_argument("--json", metavar="FILE", help="write results as JSON ('-': stdout)")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="assess-bench-survey-"))
    result: dict[str, Any] = {"workers": args.workers, "requests": args.requests,
                              "submits": args.submits, "runs_count": args.runs,
                              "cpus": os.cpu_count()}
    try:
        cpu_instance = Instance(root / "cpu", args.workers)
        cpu_instance.prepare()
        links = cpu_instance.links()
        cpu_instance.start()
        try:
            result["cpu"] = cpu_ratios(cpu_instance, links, args.runs, args.requests,
                                       args.submits)
            result["cpu"]["server_log_errors"] = cpu_instance.log().count("Traceback")
        finally:
            cpu_instance.stop()

        writer_instance = Instance(root / "writers", args.writer_workers)
        writer_instance.prepare()
        links = writer_instance.links()
        writer_instance.start()
        try:
            result["writers"] = concurrent_writers(writer_instance, links, args.writers,
                                                   args.writer_saves)
            result["writers"]["gunicorn_workers"] = args.writer_workers
        finally:
            writer_instance.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    summary = result["cpu"]["summary"]
    print(f"Server CPU per request, gunicorn {args.workers} sync workers, SQLite, median of "
          f"{args.runs} runs ({args.requests} requests; {args.submits} submits per run):")
    print(f"{'request':<14}{'CPU ms':>9}{'wall ms':>9}{'x static':>10}{'x 404 link':>12}")
    for name, row in summary.items():
        print(f"{name:<14}{row['cpu_ms_median']:>9.2f}{row['wall_ms_median']:>9.2f}"
              f"{row['ratio_to_static']:>10.2f}{row['ratio_to_invalid_link']:>12.2f}")
    target = max(summary["page_save"]["ratio_to_static"], summary["submit"]["ratio_to_static"])
    print(f"target page save and submit <= 3x static: {'met' if target <= 3 else 'NOT met'} "
          f"(worst {target:.2f}x)")
    w = result["writers"]
    print(f"{w['writers']} concurrent writers x {args.writer_saves} page saves "
          f"({w['gunicorn_workers']} sync workers): {w['saves']} saves in {w['seconds']:.1f} s "
          f"({w['saves_per_second']:.0f}/s), 'database is locked': {w['locked']} in answers, "
          f"{w['locked_in_server_log']} in the server log; 5xx: {w['5xx']}; other statuses: "
          f"{w['other_status']}")
    if args.json:
        text = json.dumps(result, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()
