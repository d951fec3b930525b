"""`make bench`: fill a scratch database, serve it with gunicorn as in production, load each page with wrk.

Prints a table (requests/s, p50 and p95 latency, queries per request, throughput as a ratio to the
trivial /healthz endpoint measured in the same run) and writes the same figures as JSON under
bench/results/. Machines here are shared and noisy: compare the ratios, not the raw numbers.
"""
import argparse
import importlib
import json
import os
import pkgutil
import random
import re
import shutil
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


def probe(base: str, path: str, cookie: str) -> dict:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        return {"status": response.status, "bytes_gzip": len(body),
                "queries": int(response.headers.get("X-Query-Count", "-1"))}


def load(base: str, path: str, cookie: str, seconds: int, connections: int, script: Path) -> dict:
    result = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script),
                             "-H", f"Cookie: {cookie}", "-H", "Accept-Encoding: gzip", base + path],
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.split("JSON ", 1)[1].splitlines()[0])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def peak_memory_mb(master_pid: int) -> float:
    """Highest resident set any gunicorn worker reached (VmHWM), in MB."""
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return max(peaks, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the volumes the issues name")
    parser.add_argument("--seconds", type=int, default=5, help="load time per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="an EMPTY database to fill (default: scratch SQLite)")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    scratch = Path(tempfile.mkdtemp(prefix="officehub-bench-"))
    env = {**os.environ, "FLASK_APP": "wsgi.py", "OFFICEHUB_INSTANCE": str(scratch),
           "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
           "OFFICEHUB_QUERY_COUNT_HEADER": "1", "OFFICEHUB_LOGIN_RATE_LIMIT": "100000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_ADDRESS": "100000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_NAME": "100000", "PYTHONPATH": str(ROOT)}
    modules = feature_modules()
    print(f"filling {env['DATABASE_URL']} (scale {args.scale}) …", flush=True)
    prepare_database(env, args.scale, modules)
    port = 5600 + os.getpid() % 300
    server = start_server(env, port, args.workers, scratch / "gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    script = scratch / "report.lua"
    script.write_text(WRK_SCRIPT)
    try:
        rows = run_pages(base, args, modules, script)
        memory = peak_memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(rows, memory, args, env)


def run_pages(base: str, args, modules, script: Path) -> list:
    cookies: dict = {}
    baseline = load(base, "/healthz", "", args.seconds, args.connections, script)
    rows = [{"page": "trivial: /healthz", "path": "/healthz", **probe(base, "/healthz", ""), **baseline}]
    pages = [page for module in modules for page in module.PAGES if args.only in page.name]
    for page in pages:
        cookie = cookies.setdefault(page.login, session_cookie(base, page.login))
        row = {"page": page.name, "path": page.path, "login": page.login, **probe(base, page.path, cookie)}
        row.update(load(base, page.path, cookie, args.seconds, args.connections, script))
        rows.append(row)
        print(f"  {page.name}: {row['rps']:.0f} req/s", flush=True)
    for row in rows:
        row["ratio"] = row["rps"] / baseline["rps"]
    return rows


def report(rows: list, memory: float, args, env: dict) -> None:
    print(f"\n{'page':34} {'status':>6} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'queries':>7} {'KB gz':>6}")
    for row in rows:
        print(f"{row['page'][:34]:34} {row['status']:>6} {row['rps']:>8.0f} {row['ratio']:>6.2f} "
              f"{row['p50'] / 1000:>7.1f} {row['p95'] / 1000:>7.1f} {row['queries']:>7} "
              f"{row['bytes_gzip'] / 1024:>6.1f}")
    print(f"\npeak worker memory: {memory:.0f} MB · {args.workers} workers × 4 threads · "
          f"{args.connections} connections · {args.seconds} s per page · scale {args.scale}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"rows": rows, "peak_worker_memory_mb": memory, "scale": args.scale,
                                "workers": args.workers, "connections": args.connections,
                                "seconds": args.seconds, "database": env["DATABASE_URL"].split(":")[0]},
                               indent=2, ensure_ascii=False))
    print(f"written: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
