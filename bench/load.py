"""Load benchmark: gunicorn (2 workers) on PostgreSQL, driven by wrk from 127.0.0.1 only.

    .venv/bin/python -m bench.catalogue && .venv/bin/python -m bench.population && \\
        .venv/bin/python -m bench.nightly          # once: 75k papers, 10k readers, recommendations
    .venv/bin/python -m bench.load [--seconds 15] [--soak-seconds 300] [--soak-rate 60] \\
        [--only 'feed, first' ...]

Bar (issue 21, 2-core machine, 4 concurrent clients): every page (feed, day, paper, trending, search,
list) p95 server latency at most 30 ms and at least 100 requests/s; upvote and save POSTs p95 at most
20 ms; a 5-minute run at a steady rate with zero errors and no growth of worker memory beyond 10%.
"Server latency" is gunicorn's own request time (its access log, %(M)s ms), measured on the same requests
wrk counts. wrk and gunicorn share the two cores, as on one box, and each run prints the CPU each process
took per request (`run_wrk`). Requires Debian's `wrk` (apt-get install wrk).

Each page is measured by one reader over and over ("repeat visits") and with every request from a
different one of 4,000 logged-in readers ("first views"); nothing is stored per reader, so the two
differ only by what PostgreSQL has in memory. Search is measured with queries asked once each ("new
queries") and with 200 queries asked again and again ("repeated queries"). Every run starts with the
server's cache emptied, and checks that its readers really are logged in.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import redis
import requests

from bench.setup_db import ROOT, SERVER_ENV, arguments, percentiles, setup_django

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
WRK_SCRIPT = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local method, body = "%(method)s", "%(body)s"
local threads = 0
setup = function(thread)
  thread:set("offset", threads * %(half)d)
  -- The two threads also start half the paths apart: they never ask for the same page at once.
  thread:set("path_offset", threads * math.floor(#paths / 2))
  threads = threads + 1
end
local counter = 0
request = function()
  counter = counter + 1
  local path = paths[((counter + (path_offset or 0)) %% #paths) + 1]
  local headers = nil
  if #cookies > 0 then
    -- Each thread walks the readers from its own offset, so no two requests share a reader early on.
    headers = {Cookie = cookies[((counter + (offset or 0)) %% #cookies) + 1]}
  end
  return wrk.format(method, path, headers, method == "POST" and body or nil)
end
"""
FIRST_VIEW_READERS = 4000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def wait_for_server(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(f"{BASE}/", timeout=2)
            return
        # Not listening yet, or a worker still loading Django on a busy machine (the first request
        # waits for it): try again until the deadline.
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def log_in(username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{BASE}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    response = session.post(
        f"{BASE}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{BASE}/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, f"login failed: HTTP {response.status_code}"
    return session


def worker_rss_mb(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
    return sizes


def _cpu_seconds(pid: str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def cpu_by_process(master_pid: int) -> dict[str, dict[str, float]]:
    """CPU seconds used so far by the server's workers, PostgreSQL's processes and Redis, by pid."""
    workers = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    groups: dict[str, dict[str, float]] = {"gunicorn": {pid: _cpu_seconds(pid) for pid in workers}}
    groups["postgres"], groups["redis"] = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                name = (entry / "comm").read_text().strip()
            except (FileNotFoundError, ProcessLookupError):
                continue
            group = "postgres" if name == "postgres" else "redis" if name == "redis-server" else None
            if group:
                groups[group][entry.name] = _cpu_seconds(entry.name)
    return groups


def cpu_used(before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]) -> dict[str, float]:
    """CPU seconds each group used between two `cpu_by_process` readings (a process that started in
    between counts from zero; one that ended in between is not counted)."""
    return {
        group: sum(seconds - before[group].get(pid, 0.0) for pid, seconds in after[group].items())
        for group in after
    }


def server_latencies(log: Path, start: int) -> tuple[list[float], int]:
    """(request times in ms, count of 5xx) of the access-log lines written after byte `start`."""
    with log.open() as handle:
        handle.seek(start)
        lines = handle.read().splitlines()
    times, errors = [], 0
    for line in lines:
        parts = line.split()
        if len(parts) >= 2:
            times.append(float(parts[0]))
            errors += parts[1].startswith("5")
    return times, errors


class Reader(NamedTuple):
    username: str
    session_key: str
    cookie: str  # the Cookie header of their session


def reader_sessions(count: int) -> list[Reader]:
    """`count` logged-in readers (sessions made directly, as a login would)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    readers = []
    for user in User.objects.filter(username__startswith="reader").order_by("pk")[:count]:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        key = str(session.session_key)
        readers.append(Reader(user.username, key, f"sessionid={key}; csrftoken={_get_new_csrf_string()}"))
    return readers


def forget_sessions(keys: Iterable[str]) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=list(keys)).delete()


def ask_first(session: requests.Session, paths: list[str]) -> list[str]:
    """`paths`, each requested once already: what PostgreSQL keeps in memory for a repeated query."""
    for path in paths:
        session.get(f"{BASE}{path}", timeout=30).raise_for_status()
    return paths


def run_wrk(
    name: str,
    paths: list[str],
    session: requests.Session | None,
    seconds: int,
    log: Path,
    master_pid: int,
    cookies: Sequence[str] = (),
    **post,
) -> dict:
    """`session`'s reader makes every request; without one, each request is from the next of `cookies`.

    Also prints where the CPU went: milliseconds per request in the web workers, PostgreSQL, Redis and
    wrk itself (the four share the two cores, so they add up to what a request costs the machine).
    PostgreSQL's share counts all its processes, background ones (autovacuum, the WAL writer) included,
    so it varies more from run to run than the others."""
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "cookies": ", ".join(json.dumps(c) for c in ([] if session else cookies)),
        "half": max(len(cookies) // 2, 1),
        "method": "POST" if post else "GET",
        "body": post.get("body", ""),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    headers = []
    if session is not None:
        headers = ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in session.cookies.items())]
    if post:
        assert session is not None, "POSTs are measured for one reader"
        headers += ["-H", f"X-CSRFToken: {session.cookies['csrftoken']}"]
        headers += ["-H", "Content-Type: application/x-www-form-urlencoded", "-H", "HX-Request: true"]
    start = log.stat().st_size
    cpu_before = cpu_by_process(master_pid)
    wrk = subprocess.Popen(
        ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", "-s", lua.name, *headers, BASE],
        stdout=subprocess.PIPE,
        text=True,
    )
    output = wrk.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(wrk.pid, 0)
    wrk.returncode = os.waitstatus_to_exitcode(status)
    if wrk.returncode:
        raise subprocess.CalledProcessError(wrk.returncode, wrk.args, output)
    cpu = cpu_used(cpu_before, cpu_by_process(master_pid))
    cpu["wrk"] = usage.ru_utime + usage.ru_stime
    time.sleep(0.5)  # let gunicorn flush its access log
    os.unlink(lua.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    times, errors = server_latencies(log, start)
    stats = percentiles(times)
    per_request = {group: round(seconds * 1000 / max(len(times), 1), 2) for group, seconds in cpu.items()}
    result = {
        "name": name,
        "requests_per_s": rps,
        "server_p50_ms": stats["p50_ms"],
        "server_p95_ms": stats["p95_ms"],
        "server_max_ms": stats["max_ms"],
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "server_5xx": errors,
        "cpu_ms_per_request": per_request,
    }
    print(
        f"{name:<28} {rps:8.1f} req/s   server p50 {stats['p50_ms']:6.2f} ms  p95 {stats['p95_ms']:6.2f} ms"
        f"  max {stats['max_ms']:7.2f} ms   non-2xx/3xx {result['non_2xx_3xx']}",
        flush=True,
    )
    print(
        f"{'':<28} CPU ms/request: {sum(per_request.values()):.2f} = "
        + " + ".join(f"{group} {ms:.2f}" for group, ms in per_request.items()),
        flush=True,
    )
    return result


def soak(session: requests.Session, paths: list[str], seconds: int, rate: float, master_pid: int) -> None:
    """A steady request rate for `seconds`, over the mixed pages; errors and worker memory counted."""
    before = worker_rss_mb(master_pid)
    errors, done = 0, 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    interval = 4 / rate  # four client threads share the rate

    def client(offset: int) -> None:
        nonlocal errors, done
        local = requests.Session()
        local.cookies.update(session.cookies)
        rng = random.Random(offset)
        next_at = time.monotonic() + offset * interval / 4
        while next_at < deadline:
            time.sleep(max(0.0, next_at - time.monotonic()))
            try:
                response = local.get(BASE + rng.choice(paths), timeout=10)
                failed = response.status_code >= 400
            except requests.RequestException:
                failed = True
            with lock:
                done += 1
                errors += failed
            next_at += interval

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A server slower than the target rate stretches the run: report the real duration and rate.
    elapsed = time.monotonic() - started
    after = worker_rss_mb(master_pid)
    growth = max((a - b) / b * 100 for a, b in zip(after, before, strict=False))
    print(
        f"soak: {done} requests in {elapsed:.0f} s ({done / elapsed:.1f}/s, target {rate:.0f}/s), "
        f"{errors} errors; worker RSS {[round(b) for b in before]} -> {[round(a) for a in after]} MB "
        f"(max growth {growth:.1f}%)"
    )


class ReaderSnapshot:
    """What the POST benchmarks change about their reader: the papers upvoted and the "Read later" items.

    Each run upvotes and saves hundreds of papers as that reader; `restore` takes back exactly what the
    run added, through the site's own functions (so the papers' upvote counts stay exact), so the next
    run measures the same reader instead of one whose list grew by every run before.
    """

    def __init__(self, username: str) -> None:
        from django.contrib.auth.models import User

        from papers.lists.operations import default_reading_list

        self.user = User.objects.get(username=username)
        self.reading_list = default_reading_list(self.user)
        self.upvoted = set(self.user.upvotes.values_list("paper_id", flat=True))
        self.items = set(self.reading_list.items.values_list("pk", flat=True))

    def restore(self) -> None:
        from django.db import transaction

        from papers.lists.operations import reading_list_remove_items
        from papers.lists.votes import paper_unvote

        # One transaction: the reader's re-rank is requested once, not once per paper.
        with transaction.atomic():
            for upvote in self.user.upvotes.exclude(paper_id__in=self.upvoted).select_related("paper"):
                paper_unvote(user=self.user, paper=upvote.paper)
            added = self.reading_list.items.exclude(pk__in=self.items).values_list("pk", flat=True)
            reading_list_remove_items(reading_list=self.reading_list, item_ids=list(added))


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--soak-seconds", type=int, default=300)
    parser.add_argument("--soak-rate", type=float, default=60.0)
    parser.add_argument(
        "--only", action="append", default=[], help="make only the runs whose name holds this (repeatable)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    # The sessions made here must be signed with the server's key, or every "reader" is anonymous there.
    os.environ["SECRET_KEY"] = SERVER_ENV["SECRET_KEY"]
    setup_django(args.database_url, fresh=False)
    from bench.population import ensure_profiles

    ensure_profiles()  # benchmark databases made before it was part of bench.population
    from bench.population import PASSWORD
    from papers.models import Paper, ReadingList

    paper_paths = [
        f"/abs/{arxiv_id}/"
        for arxiv_id in Paper.objects.exclude(arxiv_id=None)
        .order_by("?")
        .values_list("arxiv_id", flat=True)[:500]
    ]
    days = {day for day in Paper.objects.values_list("listed_on", flat=True).distinct() if day}
    day_paths = [f"/day/{day.isoformat()}/" for day in sorted(days)[-60:]]
    from bench.catalogue import sample_queries

    repeated = sample_queries(200)
    # Queries nobody asked before in this run (the catalogue's words and phrases, another seed).
    asked = set(repeated)
    new_queries = [q for q in dict.fromkeys(sample_queries(3000, seed=11)) if q not in asked]
    search_paths = ["/search/?" + requests.compat.urlencode({"q": q}) for q in repeated]
    new_search_paths = ["/search/?" + requests.compat.urlencode({"q": q}) for q in new_queries]
    paper_pks = list(Paper.objects.order_by("?").values_list("pk", flat=True)[:500])

    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": args.database_url}
    # Every run starts with an empty cache (rate-limit counts of an earlier run).
    redis.Redis.from_url(SERVER_ENV["CACHE_URL"]).flushdb()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(M)s %(s)s %(U)s",
        ],
        cwd=ROOT,
        env=env,
    )
    snapshot = ReaderSnapshot("reader00001")
    # reader00001 is the repeat visitor; the first views come from the others.
    sessions = reader_sessions(1 + FIRST_VIEW_READERS)
    cookies = [reader.cookie for reader in sessions[1:]]
    list_paths = [
        f"/lists/{pk}/"
        for pk in ReadingList.objects.filter(owner__username="reader00001").values_list("pk", flat=True)
    ]
    try:
        wait_for_server()
        reader = log_in("reader00001", PASSWORD)
        reader.get(f"{BASE}/feed/")
        for cookie in (cookies[0], cookies[-1]):
            page = requests.get(f"{BASE}/feed/", headers={"Cookie": cookie}, timeout=30)
            assert 'action="/accounts/logout/"' in page.text, "a first-view reader is not logged in"
        pid = server.pid
        # name -> (paths, the repeat visitor's session or None for first views, POST fields)
        scenarios: dict[str, tuple[Callable[[], list[str]], requests.Session | None, dict[str, str]]] = {
            "feed, repeat visits": (lambda: ["/feed/"], reader, {}),
            "feed, first views": (lambda: ["/feed/"], None, {}),
            "paper page, repeat visits": (lambda: paper_paths[:50], reader, {}),
            "paper page, first views": (lambda: paper_paths, None, {}),
            "daily page, repeat visits": (lambda: day_paths, reader, {}),
            "daily page, first views": (lambda: day_paths, None, {}),
            "trending, repeat visits": (lambda: ["/trending/"], reader, {}),
            "trending, first views": (lambda: ["/trending/"], None, {}),
            "reading list, repeat visits": (lambda: list_paths or ["/lists/"], reader, {}),
            "search, new queries": (lambda: new_search_paths, None, {}),
            "search, repeated queries": (lambda: ask_first(reader, search_paths), reader, {}),
            "upvote POST": (
                lambda: [f"/papers/{pk}/upvote/" for pk in paper_pks],
                reader,
                {"body": "action=upvote"},
            ),
            "save POST": (
                lambda: [f"/papers/{pk}/save/" for pk in paper_pks],
                reader,
                {"body": "add=default"},
            ),
        }
        results = [
            run_wrk(name, paths(), session, args.seconds, log, pid, () if session else cookies, **post)
            for name, (paths, session, post) in scenarios.items()
            if not args.only or any(part in name for part in args.only)
        ]
        Path(ROOT / "bench" / "results").mkdir(exist_ok=True)
        (ROOT / "bench" / "results" / "load.json").write_text(json.dumps(results, indent=2))
        if args.soak_seconds:
            soak(
                reader,
                ["/feed/", *paper_paths[:50], *day_paths[:10], *search_paths[:20]],
                args.soak_seconds,
                args.soak_rate,
                server.pid,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.unlink(missing_ok=True)
        snapshot.restore()
        forget_sessions(reader.session_key for reader in sessions)


if __name__ == "__main__":
    main()
