"""30 open live-meeting screens: what they cost the server, and how fast an edit reaches all of them.

    python -m bench.watchers [--watchers 30] [--seconds 20] [--workers 2] [--database-url postgresql://…]

Fills a scratch database (demo data + bench/meetings.py: a 200-item agenda, 500 open follow-ups),
serves it with gunicorn on a free 127.0.0.1 port, and signs in one session per screen. Each screen
behaves like the browser (static/meetings.js): GET …/changes?since=V every second while the meeting
changes, every 2 s after 30 s without a change and every 4 s after two minutes; POST …/presence every
10 seconds. The idle phase starts after two quiet minutes, as on a meeting where nobody is typing.
Measured: an idle phase (nobody edits), then an editing phase in which the office
saves an item edit every 2 s and adds an agenda item every 10 s; each screen notes when it first
sees each change. Reported: requests/s, poll latency, server CPU per second of wall time (all
gunicorn processes), queries per poll, and the propagation delay from commit to every screen.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEETING = 2  # the demo seeder's open meeting, filled by bench/meetings.py
LIAISONS = ["liaison-prod", "liaison-sales", "liaison-rd", "liaison-qa", "liaison-pur", "liaison-fin",
            "liaison-hr", "liaison-log", "liaison-tech", "liaison-office"]


QUIET_BEFORE_IDLE = 125  # seconds: past the last step of poll_delay


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict) -> None:
    flask = [sys.executable, "-m", "flask"]
    subprocess.run(flask + ["db", "upgrade", "heads"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    code = ("import random; from app import create_app; from app.extensions import db; "
            "from app.auth.models import User, Department; from bench.pages import GenContext; "
            "from bench import meetings; app = create_app(); ctx = app.app_context(); ctx.push(); "
            "c = GenContext(db.session, {u.login: u for u in db.session.query(User)}, "
            "{d.code: d for d in db.session.query(Department)}, random.Random(2026)); "
            "meetings.generate(c); db.session.commit()")
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


class Session:
    """One signed-in browser: a cookie jar and the CSRF token of its pages."""

    def __init__(self, base: str, login: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = self.opener.open(f"{base}/login").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        self.post("/login", {"csrf_token": token, "login": login, "password": "demo-pass-2026"})
        page = self.get(f"/meetings/{MEETING}")[1]
        self.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        self.since = int(re.search(r"changes\?since=(\d+)", page).group(1))

    def get(self, path: str, headers=None):
        request = urllib.request.Request(self.base + path, headers={"HX-Request": "true", **(headers or {})})
        with self.opener.open(request) as response:
            return response, response.read().decode()

    def post(self, path: str, data: dict):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"X-CSRFToken": getattr(self, "csrf", "")})
        with self.opener.open(request) as response:
            return response, response.read().decode()


class Screen(threading.Thread):
    """Polls like htmx does and records when each marker text first shows up."""

    def __init__(self, session: Session, stop: threading.Event, stats: dict, lock: threading.Lock):
        super().__init__(daemon=True)
        self.session, self.stop, self.stats, self.lock = session, stop, stats, lock
        self.seen: dict[str, float] = {}

    def run(self) -> None:
        next_poll = next_presence = last_change = time.monotonic()
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= next_presence:
                self.session.post(f"/meetings/{MEETING}/presence", {})
                self._count("presence", time.monotonic() - now, None)
                next_presence += 10
            started = time.monotonic()
            response, body = self.session.get(f"/meetings/{MEETING}/changes?since={self.session.since}")
            finished = time.monotonic()
            self._count("poll", finished - started, response)
            if response.status == 200:
                self.session.since = int(re.search(r"changes\?since=(\d+)", body).group(1))
                for marker in re.findall(r"BENCH-\d+", body):
                    self.seen.setdefault(marker, finished)
                last_change = finished
            next_poll += poll_delay(time.monotonic() - last_change)
            self.stop.wait(max(0.0, next_poll - time.monotonic()))

    def _count(self, kind: str, seconds: float, response) -> None:
        with self.lock:
            self.stats.setdefault(kind, []).append(seconds)
            if response is not None:
                self.stats.setdefault(f"status-{response.status}", []).append(1)
                queries = response.headers.get("X-Query-Count")
                if queries and response.status == 204:
                    self.stats.setdefault("queries-204", []).append(int(queries))


def poll_delay(quiet: float) -> float:
    """Seconds to the next poll after `quiet` seconds without a change, as static/meetings.js waits."""
    return 1.0 if quiet < 30 else 2.0 if quiet < 120 else 4.0


def cpu_seconds(master_pid: int) -> float:
    """User + system CPU of the gunicorn master and its workers so far."""
    pids = [str(master_pid)] + subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True,
                                              text=True).stdout.split()
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def phase(name: str, seconds: float, master_pid: int, stats: dict, lock, action=None) -> dict:
    with lock:
        stats.clear()
    cpu_before, started = cpu_seconds(master_pid), time.monotonic()
    while time.monotonic() - started < seconds:
        if action:
            action(time.monotonic() - started)
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(master_pid) - cpu_before
    with lock:
        polls = sorted(stats.get("poll", []))
        result = {"phase": name, "seconds": elapsed, "requests_per_s": (len(polls) + len(stats.get("presence", [])))
                  / elapsed, "cpu_share_of_one_core": cpu / elapsed,
                  "poll_p50_ms": 1000 * polls[len(polls) // 2] if polls else 0,
                  "poll_p95_ms": 1000 * polls[int(len(polls) * 0.95)] if polls else 0,
                  "polls_204": len(stats.get("status-204", [])), "polls_200": len(stats.get("status-200", [])),
                  "queries_per_204": statistics.mean(stats["queries-204"]) if stats.get("queries-204") else None}
    return result


class Editor:
    """The office at the meeting: edits an item every 2 s and adds one every 10 s, noting commit times."""

    def __init__(self, session: Session, item_id: int):
        self.session, self.item_id, self.count = session, item_id, 0
        self.commits: dict[str, tuple[float, str]] = {}
        self.next_edit, self.next_add = 0.0, 5.0

    def __call__(self, elapsed: float) -> None:
        if elapsed >= self.next_edit:
            self.next_edit += 2
            self._edit()
        if elapsed >= self.next_add:
            self.next_add += 10
            self._add()

    def _marker(self, kind: str) -> str:
        self.count += 1
        return f"BENCH-{self.count}", kind

    # Delays are counted from the moment the save is sent, so they include the save itself.
    def _edit(self) -> None:
        marker, kind = self._marker("edit")
        prefix = f"item{self.item_id}"
        form = self.session.get(f"/meetings/items/{self.item_id}/edit")[1]
        sent = time.monotonic()
        version = re.search(rf'name="{prefix}-version" type="hidden" value="(\d+)"', form).group(1)
        select = form.split(f'name="{prefix}-department_id"', 1)[1].split("</select>", 1)[0]
        department = re.search(r'<option selected value="(\d+)"', select).group(1)
        self.session.post(f"/meetings/items/{self.item_id}", {
            f"{prefix}-kind": "problem", f"{prefix}-title": f"实验室空调夜间故障 {marker}",
            f"{prefix}-details": "", f"{prefix}-urgency": "urgent", f"{prefix}-addressed_to_id": "0",
            f"{prefix}-department_id": department, f"{prefix}-version": version})
        self.commits[marker] = (sent, kind)

    def _add(self) -> None:
        marker, kind = self._marker("new item")
        sent = time.monotonic()
        self.session.post(f"/meetings/{MEETING}/items", {
            "new-kind": "need", "new-title": f"临时议题 {marker}", "new-urgency": "normal",
            "new-department_id": "1", "new-addressed_to_id": "0"})
        self.commits[marker] = (sent, kind)


def delays(editor: Editor, screens: list) -> dict:
    found: dict[str, list] = {"edit": [], "new item": []}
    missed = 0
    for marker, (committed, kind) in editor.commits.items():
        for screen in screens:
            if marker in screen.seen:
                found[kind].append(screen.seen[marker] - committed)
            else:
                missed += 1
    summary = {"missed": missed}
    for kind, values in found.items():
        if values:
            values.sort()
            summary[kind] = {"n": len(values), "mean_s": statistics.mean(values),
                             "p95_s": values[int(len(values) * 0.95)], "max_s": values[-1]}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchers", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="an EMPTY database to fill (default: scratch SQLite)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="officehub-watchers-"))
    env = {**os.environ, "FLASK_APP": "wsgi.py", "OFFICEHUB_INSTANCE": str(scratch),
           "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'watchers.sqlite3'}",
           "OFFICEHUB_QUERY_COUNT_HEADER": "1", "OFFICEHUB_LOGIN_RATE_LIMIT": "100000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_ADDRESS": "100000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_NAME": "100000",
           "OFFICEHUB_DEFAULT_LOCALE": "en", "PYTHONPATH": str(ROOT)}
    print(f"filling {env['DATABASE_URL'].split('@')[-1]} …", flush=True)
    prepare(env)
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen([gunicorn, "--no-control-socket", "--workers", str(args.workers), "--threads", "4",
                               "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=(scratch / "gunicorn.log").open("w"))
    try:
        run(f"http://127.0.0.1:{port}", args, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def run(base: str, args, master_pid: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    office = Session(base, "office")
    item_id = int(re.search(r'id="item-(\d+)-view"', office.get(f"/meetings/{MEETING}")[1]).group(1))
    sessions = [Session(base, LIAISONS[n % len(LIAISONS)] if n else "office") for n in range(args.watchers)]
    stop, stats, lock = threading.Event(), {}, threading.Lock()
    screens = [Screen(s, stop, stats, lock) for s in sessions]
    for screen in screens:
        screen.start()
        time.sleep(1.0 / len(screens))  # browsers do not open in the same millisecond
    time.sleep(QUIET_BEFORE_IDLE)  # the screens slow down as the meeting stays quiet
    idle = phase("idle: nobody edits", args.seconds, master_pid, stats, lock)
    editor = Editor(office, item_id)
    editing = phase("editing: an edit every 2 s, a new item every 10 s", args.seconds, master_pid, stats, lock,
                    editor)
    time.sleep(2.5)  # let the last change reach everyone
    stop.set()
    for screen in screens:
        screen.join(timeout=5)
    print(f"\n{args.watchers} screens · {args.workers} gunicorn workers × 4 threads · {base}")
    for result in (idle, editing):
        print(f"\n{result['phase']} ({result['seconds']:.0f} s)")
        print(f"  requests/s {result['requests_per_s']:.1f} · server CPU {100 * result['cpu_share_of_one_core']:.1f}% "
              f"of one core · poll p50 {result['poll_p50_ms']:.1f} ms, p95 {result['poll_p95_ms']:.1f} ms")
        print(f"  polls answered 204: {result['polls_204']}, 200: {result['polls_200']} · "
              f"queries per 204: {result['queries_per_204']}")
    summary = delays(editor, screens)
    print(f"\npropagation from sending the save to each screen (missed: {summary['missed']})")
    for kind in ("edit", "new item"):
        if kind in summary:
            s = summary[kind]
            print(f"  {kind:9} n={s['n']:4} mean {s['mean_s']:.2f} s · p95 {s['p95_s']:.2f} s · max {s['max_s']:.2f} s")


if __name__ == "__main__":
    main()
