"""`make bench`: fill a scratch database, serve it with gunicorn as in production, measure each page.

For every page, two views:
- repeat view: the browser already has the page and sends its ETag back (If-None-Match), as a browser
  does; wrk loads it with the run's connections. Reported as requests/s and as a ratio to /healthz:
  the page and /healthz are loaded in turns, a second each, for the run's seconds, so the neighbours'
  bursts on a shared machine fall on both about equally.
- first view after a change: before each of a few sequential requests the bench makes the write the
  page must show (it raises the page's revision counters, named by X-Revision-Topics), so every one is
  rendered afresh. Reported as server CPU ms per request (the median of those requests), read from the
  gunicorn workers' own CPU time (steadier than wrk's requests/s on a shared machine), and as a multiple
  of the empty page in the layout (a signed-in 404), measured the same way beside each page: the run's
  figure is the median of those measurements.
The last line says how many pages meet the goals (repeat ≥ 0.35× /healthz; first view within its
budget). `--compare-scale 0.01` fills a second database at that scale, serves it beside the first, measures
each page's first view there right after the full scale's, and prints the full scale's as a multiple of the
small one's (goal ≤ 1.3×), each counted in its own server's layout page, so that the machine being faster or
slower in one minute does not pass for the data's size.
Figures go to bench/results/.
"""
import argparse
import contextlib
import importlib
import json
import os
import pkgutil
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from .pages import GenContext

ROOT = Path(__file__).resolve().parents[1]
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"seconds\\": %f, \\"p50\\": %d, \\"p95\\": %d, "
    .. "\\"errors\\": %d, \\"non2xx\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def feature_modules():
    modules = [importlib.import_module("bench.core")]
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name not in {"core", "pages", "watchers", "__main__"}:
            module = importlib.import_module(f"bench.{info.name}")
            if hasattr(module, "generate") and hasattr(module, "PAGES"):
                modules.append(module)
    return modules


def prepare_database(env: dict, scale: float, modules) -> None:
    flask = [sys.executable, "-m", "flask"]
    subprocess.run(flask + ["db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "OFFICEHUB_INSTANCE")})
    from app import create_app
    from app.auth.models import Department, User
    from app.extensions import db
    app = create_app()
    with app.app_context():
        ctx = GenContext(session=db.session, users={u.login: u for u in db.session.query(User)},
                         departments={d.code: d for d in db.session.query(Department)},
                         rng=random.Random(2026), scale=scale)
        for module in modules:
            started = time.monotonic()
            module.generate(ctx)
            db.session.commit()
            print(f"  generated {module.__name__}: {time.monotonic() - started:.1f} s", flush=True)


def start_server(env: dict, port: int, workers: int, log: Path):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen([gunicorn, "--no-control-socket", "--workers", str(workers), "--threads", "4",
                                "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=log.open("w"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start:\n" + log.read_text())


def session_cookie(base: str, login: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "login": login, "password": "demo-pass-2026"}).encode()
    opener.open(f"{base}/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


REPEAT_GOAL = 0.35      # repeat view: at least this share of /healthz's requests/s
FLAT_GOAL = 1.3         # first view at full scale: at most this multiple of the small scale's
FIRST_VIEW_REQUESTS = 8
WARM_UP_REQUESTS = 6
LAYOUT_PATH = "/bench/an-empty-page-in-the-layout"  # a signed-in 404: the layout around nothing


def probe(base: str, path: str, cookie: str, etag: str = "") -> dict:
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip", **({"If-None-Match": etag} if etag else {})}
    request = urllib.request.Request(base + path, headers=headers)
    try:
        response = urllib.request.urlopen(request)
    except urllib.error.HTTPError as error:  # 304 and the layout's 404 arrive as "errors"
        response = error
    with response:
        body = response.read()
        return {"status": response.status, "bytes_gzip": len(body), "etag": response.headers.get("ETag", ""),
                "topics": response.headers.get("X-Revision-Topics", ""),
                "queries": int(response.headers.get("X-Query-Count", "-1"))}


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time of all gunicorn workers so far, every thread, from the scheduler's nanosecond counts
    (/proc/<pid>/task/<tid>/schedstat; /proc/<pid>/stat counts in 10 ms ticks, too coarse for a page)."""
    total = 0
    for pid in subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split():
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):  # a thread that just ended
                continue
    return total / 1e9


def load(base: str, path: str, headers: list[str], seconds: int, connections: int, script: Path,
         master: int) -> dict:
    before = worker_cpu_seconds(master)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "-s", str(script),
               "-H", "Accept-Encoding: gzip"]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run(command + [base + path], capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.split("JSON ", 1)[1].splitlines()[0])
    figures["rps"] = figures["requests"] / figures["seconds"]
    figures["cpu_ms"] = 1000 * (worker_cpu_seconds(master) - before) / max(figures["requests"], 1)
    return figures


def combined(slices: list) -> dict:
    """One figure from several short loads of the same path."""
    requests = sum(part["requests"] for part in slices)
    seconds = sum(part["seconds"] for part in slices)
    cpu_ms = sum(part["cpu_ms"] * part["requests"] for part in slices) / max(requests, 1)
    return {"requests": requests, "seconds": seconds, "rps": requests / seconds, "cpu_ms": cpu_ms,
            "p50": statistics.median(part["p50"] for part in slices),
            "p95": statistics.median(part["p95"] for part in slices),
            "errors": sum(part["errors"] for part in slices), "non2xx": sum(part["non2xx"] for part in slices)}


class Writer:
    """Makes the write a page must show: raises its revision counters, as any saved change does."""

    def __init__(self, database_url: str):
        from sqlalchemy import create_engine
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))

    def touch(self, topics: str) -> None:
        from sqlalchemy import text
        if not topics:
            return
        with self.engine.begin() as connection:
            for topic in topics.split():
                connection.execute(text("UPDATE revisions SET n = n + 1 WHERE topic = :t"), {"t": topic})


def first_view_cpu_ms(base: str, path: str, cookie: str, master: int, writer: Writer, topics: str) -> float:
    """Server CPU per request when every request follows a change to what the page shows: the median, so
    that one request slowed by a neighbour on the shared machine does not move the figure."""
    for _ in range(WARM_UP_REQUESTS):  # every worker: templates compiled, connections open
        probe(base, path, cookie)
    spent = []
    for _ in range(FIRST_VIEW_REQUESTS):
        writer.touch(topics)
        before = worker_cpu_seconds(master)
        probe(base, path, cookie)
        spent.append(worker_cpu_seconds(master) - before)
    return 1000 * statistics.median(spent)


def peak_memory_mb(master_pid: int) -> float:
    """Highest resident set any gunicorn worker reached (VmHWM), in MB."""
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return max(peaks, default=0.0)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the volumes the issues name")
    parser.add_argument("--seconds", type=int, default=5, help="load time per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="an EMPTY database to fill (default: scratch SQLite)")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("--compare-scale", type=float, default=0.0,
                        help="also measure first views at this scale (e.g. 0.01) and print full/small")
    parser.add_argument("--compare-database-url", default="",
                        help="an EMPTY database for --compare-scale, of the same kind as --database-url")
    args = parser.parse_args()
    if args.compare_scale and bool(args.database_url) != bool(args.compare_database_url):
        # Each scale on its own kind of database would compare PostgreSQL with SQLite, not a page with itself.
        parser.error("--compare-scale compares on one kind of database: give --compare-database-url with "
                     "--database-url (or neither, for scratch SQLite at both scales)")
    return args


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    modules = feature_modules()
    pages = [page for module in modules for page in module.PAGES if args.only in page.name]
    with contextlib.ExitStack() as stack:
        full = stack.enter_context(served(args, args.scale, args.database_url, modules, full=True))
        small = (stack.enter_context(served(args, args.compare_scale, args.compare_database_url, modules,
                                            full=False))
                 if args.compare_scale else None)
        rows = full.run(pages, repeat=True, small=small)
        memory = peak_memory_mb(full.master)
    report(rows, memory, args, full.database)


@contextlib.contextmanager
def served(args, scale: float, database_url: str, modules, *, full: bool):
    """A database filled at `scale`, served by gunicorn: the Bench that measures it."""
    scratch = Path(tempfile.mkdtemp(prefix="officehub-bench-"))
    env = {**os.environ, "FLASK_APP": "wsgi.py", "OFFICEHUB_INSTANCE": str(scratch),
           "DATABASE_URL": database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
           "OFFICEHUB_QUERY_COUNT_HEADER": "1", "OFFICEHUB_LOGIN_RATE_LIMIT": "100000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_ADDRESS": "100000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_NAME": "100000", "PYTHONPATH": str(ROOT)}
    print(f"filling {env['DATABASE_URL']} (scale {scale}) …", flush=True)
    prepare_database(env, scale, modules)
    port = 5600 + (os.getpid() + int(full)) % 300
    server = start_server(env, port, args.workers, scratch / "gunicorn.log")
    script = scratch / "report.lua"
    script.write_text(WRK_SCRIPT)
    try:
        yield Bench(f"http://127.0.0.1:{port}", args, script, server.pid, Writer(env["DATABASE_URL"]),
                    env["DATABASE_URL"].split(":")[0])
    finally:
        server.terminate()
        server.wait(timeout=30)


class Bench:
    def __init__(self, base: str, args, script: Path, master: int, writer: Writer, database: str):
        self.base, self.args, self.script, self.master, self.writer = base, args, script, master, writer
        self.database = database
        self.cookies: dict = {}

    def cookie(self, login: str) -> str:
        return self.cookies.setdefault(login, session_cookie(self.base, login))

    def healthz(self) -> dict:
        return load(self.base, "/healthz", [], max(1, self.args.seconds // 2), self.args.connections,
                    self.script, self.master)

    def in_turns(self, path: str, headers: list[str]) -> tuple[dict, dict]:
        """The page and /healthz loaded in turns, one second each, for the run's seconds."""
        page, healthz = [], []
        for _ in range(self.args.seconds):
            healthz.append(load(self.base, "/healthz", [], 1, self.args.connections, self.script, self.master))
            page.append(load(self.base, path, headers, 1, self.args.connections, self.script, self.master))
        return combined(page), combined(healthz)

    def layout(self) -> float:
        """The empty page in the layout, measured like a first view: again before each page, as the
        machine's speed drifts during a run."""
        return first_view_cpu_ms(self.base, LAYOUT_PATH, self.cookie("employee"), self.master, self.writer, "")

    def run(self, pages, *, repeat: bool, small=None) -> list:
        """Every page measured; with `small` (the Bench of the same company at a smaller scale), each page's
        first view there too, right after this one's, so that both fall in the same minute of the shared
        machine (two runs a quarter of an hour apart drifted by a third)."""
        baseline = self.healthz()
        rows = [{"page": "trivial: /healthz", "path": "/healthz", **probe(self.base, "/healthz", ""),
                 **baseline, "repeat_ratio": 1.0, "first_cpu_ms": baseline["cpu_ms"]}]
        for page in pages:
            row = self.page(page, self.layout(), repeat)
            if small is not None:
                row["small"] = small.page(page, small.layout(), repeat=False)
            rows.append(row)
        self.count_in_layouts(rows)
        if small is not None:
            small_rows = [row.pop("small") for row in rows[1:]]
            small.count_in_layouts([{}, *small_rows])  # the small server's own figure, not this run's
            for row, other in zip(rows[1:], small_rows, strict=True):
                compare(row, other)
        return rows

    @staticmethod
    def count_in_layouts(rows: list) -> None:
        """Each page as a multiple of the run's figure for the empty layout page: the median of those measured
        beside the pages, rather than the one beside it (eight requests of a 5 ms page moved by a third from
        one page to the next: the same minutes counted 3.7 and 6.2 layouts in two runs)."""
        layout = statistics.median([row["layout_beside_ms"] for row in rows[1:]] or [0.0])
        rows[0]["layout_cpu_ms"] = layout
        for row in rows[1:]:
            row["layout_cpu_ms"] = layout
            row["first_vs_layout"] = row["first_cpu_ms"] / max(layout, 0.001)

    def wait_for_a_whole_minute(self) -> None:
        """Pages that show the time keep a copy for a minute (`cached_page(seconds=60)`); a load that
        straddled the minute would mix in one full render per connection, a first view already measured
        above. So the load starts where it ends within the same minute."""
        left = 60 - time.time() % 60
        if left < 2 * self.args.seconds + 2:  # the page's seconds and /healthz's, in turns
            time.sleep(left + 0.1)

    def page(self, page, layout: float, repeat: bool) -> dict:
        cookie = self.cookie(page.login)
        row = {"page": page.name, "path": page.path, "login": page.login, "budget": page.budget,
               **probe(self.base, page.path, cookie), "layout_beside_ms": layout}
        row["first_cpu_ms"] = first_view_cpu_ms(self.base, page.path, cookie, self.master, self.writer,
                                                page.touch or row["topics"])
        if repeat:
            self.wait_for_a_whole_minute()
            row["etag"] = probe(self.base, page.path, cookie)["etag"]  # the first views changed it
            row["repeat_status"] = probe(self.base, page.path, cookie, row["etag"])["status"]
            headers = [f"Cookie: {cookie}"] + ([f"If-None-Match: {row['etag']}"] if row["etag"] else [])
            figures, healthz = self.in_turns(page.path, headers)
            row.update(figures, healthz_rps=healthz["rps"], repeat_ratio=figures["rps"] / healthz["rps"])
            print(f"  {page.name}: repeat {row['repeat_ratio']:.2f}× /healthz, first view "
                  f"{row['first_cpu_ms']:.1f} ms CPU", flush=True)
        return row


def compare(row: dict, other: dict) -> None:
    """The page at full scale against the same page at the small one, measured beside it."""
    row["small_first_cpu_ms"] = other["first_cpu_ms"]
    row["small_layout_cpu_ms"] = other["layout_cpu_ms"]
    # What the page showed there: a deep page or a search has less (or nothing) to show at 1%.
    row["small_bytes_gzip"] = other["bytes_gzip"]
    row["flat_cpu_ratio"] = row["first_cpu_ms"] / max(other["first_cpu_ms"], 0.01)  # as measured
    # In layout pages of each server: the machine's speed drifts even within a minute.
    row["flat_ratio"] = row["first_vs_layout"] / max(other["first_vs_layout"], 0.001)


def meets_goals(row: dict) -> bool:
    flat = row.get("flat_ratio", 0.0) <= FLAT_GOAL
    return row["repeat_ratio"] >= REPEAT_GOAL and row["first_vs_layout"] <= row["budget"] and flat


def report(rows: list, memory: float, args, database: str) -> None:
    print(f"\n{'page':44} {'status':>6} {'rep req/s':>9} {'×hz':>5} {'p95 ms':>7} {'1st ms':>7} "
          f"{'×lay':>5} {'×1%':>5} {'queries':>7} {'KB gz':>6} {'at 1%':>6}")
    for row in rows:
        flat = f"{row['flat_ratio']:>5.2f}" if "flat_ratio" in row else f"{'':>5}"
        ratio = row.get("first_vs_layout", 0.0)
        print(f"{row['page'][:44]:44} {row['status']:>6} {row['rps']:>9.0f} {row['repeat_ratio']:>5.2f} "
              f"{row['p95'] / 1000:>7.1f} {row['first_cpu_ms']:>7.1f} {ratio:>5.1f} {flat} "
              f"{row['queries']:>7} {row['bytes_gzip'] / 1024:>6.1f} {row.get('small_bytes_gzip', 0) / 1024:>6.1f}")
    layout = rows[0]["layout_cpu_ms"]
    beside = [row["layout_beside_ms"] for row in rows[1:]] or [layout]
    print(f"\nempty page in the layout: {layout:.1f} ms CPU (median; {min(beside):.1f}–{max(beside):.1f} "
          f"beside the pages) · peak worker memory: {memory:.0f} MB · "
          f"{args.workers} workers × 4 threads · {args.connections} connections · {args.seconds} s per page · "
          f"scale {args.scale} · {database}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"rows": rows, "peak_worker_memory_mb": memory, "scale": args.scale,
                                "layout_cpu_ms": layout, "workers": args.workers, "connections": args.connections,
                                "seconds": args.seconds, "database": database}, indent=2, ensure_ascii=False))
    print(f"written: {path.relative_to(ROOT)}")
    pages = rows[1:]
    print(f"{sum(meets_goals(row) for row in pages)} of {len(pages)} pages meet the goals "
          f"(repeat ≥ {REPEAT_GOAL}× /healthz, first view within budget"
          f"{f', ≤ {FLAT_GOAL}× scale {args.compare_scale}' if args.compare_scale else ''}).")


if __name__ == "__main__":
    main()
