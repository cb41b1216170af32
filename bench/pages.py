"""Throughput of every main page against a minimal view, under gunicorn, in one run.

Starts gunicorn with the production configuration (``gunicorn.conf.py``, ``DEBUG=false``)
on PostgreSQL and Redis, seeds a seeker with realistic data (``manage.py demo`` plus more
CVs and ledger entries), signs in through the login form, then loads each page in
``PAGES`` with ``wrk`` on 127.0.0.1, and a recruiter's packet page (the demo seeker
sends to their best match once, through the consent screen). The baseline is a
minimal view (a fixed short HTML response through the same middleware, routed only
when ``BENCH_MINIMAL_VIEW=1``), fetched with the same cookies as the page it is
compared with. Prints requests/s, p50
and p99 latency, the ratio to the minimal view, and the queries (and writes) per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jl_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/pages.py [--rounds 3]

With ``--in-process`` no server is started: every page and the minimal view go
through Django's test client (the full middleware stack, production settings),
interleaved, and the table gives median wall and CPU time per request and the
ratio to the minimal view: where a page's own time goes, for profiling.

Every request renders its page: nothing is kept between requests.

Defaults: database ``jobletters_bench`` on 127.0.0.1 (created and migrated when
missing), Redis DB 14 for the broker and cache. With ``--rounds N`` every round runs
every page once, interleaved, and the table shows the median with the min-max spread.
``make bench`` installs ``wrk`` from Debian. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Page:
    path: str
    signed_in: bool = True
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.path + ("" if self.signed_in else " (anonymous)")


MINIMAL = "/bench/minimal/"

# Every main page a person uses. Add new pages here (one line each).
PAGES = [
    Page("/", signed_in=False),
    Page("/dashboard/"),
    Page("/profile/"),
    Page("/profile/letter/"),
    Page("/profile/letter/preview/"),
    Page("/profile/cv/"),
    Page("/billing/"),
    Page("/recruiters/matches/"),
    Page("/recruiters/send/?top=5", label="/recruiters/send/ (consent screen)"),
    Page("/recruiters/sends/"),
    Page("/privacy/"),
    Page("/privacy/data/"),
    Page("/privacy/data/", signed_in=False),
    Page("/accounts/settings/"),
    Page("/email/preferences/"),
    Page("/support/"),
    Page("/support/", signed_in=False),
    Page("/support/inquiries/"),
    Page("/community/"),
    Page("/community/", signed_in=False),
    Page("/accounts/sessions/"),
    Page("/privacy/cookies/"),
    Page("/privacy/cookies/", signed_in=False),
]

DEMO_EMAIL = "demo@jobletters.example"
DEMO_PASSWORD = "demo-password-2026"

BENCH_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": "https://127.0.0.1",
    "MFA_ENCRYPTION_KEYS": "YmVuY2gtb25seS10d28tZmFjdG9yLWtleS0zMmJ5dGU=",  # bench only
    "BENCH_MINIMAL_VIEW": "1",
    "LOG_LEVEL": "WARNING",
    "JOBLETTERS_VAR_DIR": str(ROOT / "var" / "bench"),
}
# Requests arrive as from a TLS-terminating proxy, as in production.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def _configure_environment() -> None:
    os.environ.update(BENCH_ENV)
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jobletters_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


# --- Seeding and signing in ------------------------------------------------------------


def _seed() -> None:
    """The demo seeker (every app's demo data), plus more CVs and ledger entries."""
    from django.conf import settings
    from django.db import IntegrityError, transaction

    from accounts.models import User
    from billing.ledger import grant_complimentary_sends
    from billing.models import LedgerEntry
    from profiles.models import CV

    seeker = User.objects.get(email=DEMO_EMAIL)
    staff = User.objects.filter(is_staff=True).first()
    first = CV.objects.filter(owner=seeker).first()
    for _ in range(CV.objects.filter(owner=seeker).count(), settings.CV_MAX_PER_PERSON):
        if first is None:
            break
        first.pk, first.is_current = None, False  # a copy of the demo CV
        try:
            with transaction.atomic():
                first.save()
        except IntegrityError:
            break
    for n in range(LedgerEntry.objects.filter(account__user=seeker).count(), 12):
        grant_complimentary_sends(user=seeker, sends=1, staff=staff, reason=f"Bench grant {n}")


def _cookies(response: object, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:  # type: ignore[attr-defined]
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _request(
    base: str, path: str, jar: dict[str, str], data: bytes | None = None
) -> tuple[int, bytes]:
    headers = {**PROXY_HEADERS, "Referer": "https://127.0.0.1" + path}
    if jar:
        headers["Cookie"] = _cookie_header(jar)
    request = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with _opener.open(request, timeout=30) as response:
            _cookies(response, jar)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        _cookies(error, jar)
        return error.code, error.read()


def _sign_in(base: str) -> dict[str, str]:
    from urllib.parse import urlencode

    jar: dict[str, str] = {}
    status, body = _request(base, "/accounts/login/", jar)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match:
        raise SystemExit(f"login page answered {status} without a CSRF token")
    form = {
        "csrfmiddlewaretoken": match.group(1).decode(),
        "login": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
    }
    status, _ = _request(base, "/accounts/login/", jar, urlencode(form).encode())
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"signing in failed (status {status})")
    return {"sessionid": jar["sessionid"]}


Fetch = Callable[[str, "bytes | None"], tuple[int, bytes]]


def _packet_page(fetch: Fetch) -> str | None:
    """A recruiter's packet page (``/p/<token>/``): the demo seeker's first delivery.

    When the seeker has sent nothing yet, sends to the best match once, through the
    consent screen as a person would. A new link is issued for the delivery (the
    token only ever exists in the email).
    """
    from urllib.parse import urlencode

    from accounts.models import User
    from recruiters.models import Delivery
    from recruiters.packets import issue_link

    seeker = User.objects.get(email=DEMO_EMAIL)
    delivery = Delivery.objects.filter(seeker=seeker).order_by("pk").first()
    if delivery is None:
        status, body = fetch("/recruiters/send/?top=1", None)
        digest = re.search(rb'name="digest" value="([0-9a-f]{64})"', body)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        ids = re.findall(rb'name="r" value="(\d+)"', body)
        if status != 200 or not (digest and token and ids):
            return None
        form = [
            ("csrfmiddlewaretoken", token.group(1).decode()),
            ("digest", digest.group(1).decode()),
            ("include_contact", "0"),
            ("consent", "on"),
            *[("r", i.decode()) for i in ids],
        ]
        fetch("/recruiters/send/", urlencode(form).encode())
        delivery = Delivery.objects.filter(seeker=seeker).order_by("pk").first()
        if delivery is None:
            return None
    return f"/p/{issue_link(delivery=delivery)}/"


# --- Queries per page (in this process, same settings and session) ---------------------


def _queries_per_page(session_key: str) -> dict[str, tuple[int, int]]:
    """Per page: queries of its second request (the session's first one records it), writes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, tuple[int, int]] = {}
    for page in [Page(MINIMAL), Page(MINIMAL, signed_in=False), *PAGES]:
        client = Client(headers={**PROXY_HEADERS, "Host": "127.0.0.1"})
        if page.signed_in:
            client.cookies["sessionid"] = session_key
        client.get(page.path, secure=True)
        # A full query log (9,000 entries) would capture nothing: emptied before each.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(page.path, secure=True)
        queries = list(captured.captured_queries)  # a view of the live log: read it now
        writes = sum(
            q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
            for q in queries
        )
        counts[page.name] = (len(queries), writes)
    return counts


# --- In process (no server: where a page's own time goes, for profiling) --------------


def _in_process(args: argparse.Namespace) -> None:
    """Each page and the minimal view through Django's test client, interleaved.

    The full middleware stack with the production settings, no HTTP server: per
    page the median wall and CPU time of a request, the ratio of the minimal
    view's time to the page's (the throughput ratio a server would see if it
    added nothing), and the queries and writes. Less noisy than a load test on a
    busy machine (CPU time counts only this thread), and what a profiler sees.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    signed_in = Client(headers={**PROXY_HEADERS, "Host": "127.0.0.1"})
    response = signed_in.post(
        "/accounts/login/", {"login": DEMO_EMAIL, "password": DEMO_PASSWORD}, secure=True
    )
    if response.status_code != 302:
        raise SystemExit(f"signing in failed (status {response.status_code})")
    anonymous = Client(headers={**PROXY_HEADERS, "Host": "127.0.0.1"})

    def fetch(path: str, data: bytes | None) -> tuple[int, bytes]:
        if data is None:
            answer = signed_in.get(path, secure=True)
        else:
            answer = signed_in.post(
                path, data, content_type="application/x-www-form-urlencoded", secure=True
            )
        return answer.status_code, answer.content

    packet = None if args.only else _packet_page(fetch)
    if packet is not None:
        PAGES.append(Page(packet, signed_in=False, label="/p/<token>/ (recruiter)"))

    def get(client: Client, path: str) -> None:
        status = client.get(path, secure=True).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200")

    print(f"in process, {args.requests} requests x {args.rounds} round(s) per page, interleaved")
    print("ratio: the minimal view's median time / the page's (wall, then CPU of this thread)")
    print("| page | p50 ms | minimal p50 ms | ratio | CPU ms | CPU ratio | queries | writes |")
    print("|---|---|---|---|---|---|---|---|")
    for page in [Page(MINIMAL), Page(MINIMAL, signed_in=False), *PAGES]:
        client = signed_in if page.signed_in else anonymous
        for _ in range(3):
            get(client, page.path)
            get(client, MINIMAL)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            get(client, page.path)
        sql = [q["sql"].lstrip().split(" ", 1)[0].upper() for q in captured.captured_queries]
        writes = sum(verb in ("INSERT", "UPDATE", "DELETE") for verb in sql)
        walls, cpus, ratios, cpu_ratios = [], [], [], []
        minimal_walls = []
        for _ in range(args.rounds):
            times: dict[str, list[float]] = {"wall": [], "cpu": [], "mwall": [], "mcpu": []}
            for _ in range(args.requests):
                cpu, wall = time.thread_time(), time.perf_counter()
                get(client, MINIMAL)
                cpu2, wall2 = time.thread_time(), time.perf_counter()
                get(client, page.path)
                times["mwall"].append(wall2 - wall)
                times["mcpu"].append(cpu2 - cpu)
                times["wall"].append(time.perf_counter() - wall2)
                times["cpu"].append(time.thread_time() - cpu2)
            median = {name: statistics.median(values) for name, values in times.items()}
            walls.append(median["wall"] * 1000)
            cpus.append(median["cpu"] * 1000)
            minimal_walls.append(median["mwall"] * 1000)
            ratios.append(median["mwall"] / median["wall"])
            cpu_ratios.append(median["mcpu"] / median["cpu"])
        cells = [
            page.name,
            f"{statistics.median(walls):.2f}",
            f"{statistics.median(minimal_walls):.2f}",
            _spread(ratios, 2),
            f"{statistics.median(cpus):.2f}",
            _spread(cpu_ratios, 2),
            str(len(sql)),
            str(writes),
        ]
        print("| " + " | ".join(cells) + " |", flush=True)


# --- Load ------------------------------------------------------------------------------


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float  # gunicorn's CPU time (all workers) per request


_TICK = os.sysconf("SC_CLK_TCK")


def _server_cpu_seconds(master_pid: int) -> float:
    """CPU time of gunicorn: the master, its live workers and the workers that exited.

    Less sensitive than requests/s to other work on the machine (it counts only
    this server's CPU), so it backs the throughput ratio when the machine is busy.
    The database server's CPU is not included.
    """

    def times(pid: int, *, with_children: bool) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
        return (utime + stime + (cutime + cstime if with_children else 0)) / _TICK

    total = times(master_pid, with_children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == master_pid:
            total += times(int(stat.parent.name), with_children=False)
    return total


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _wrk(
    base: str, page: Page, cookies: dict[str, str], args: argparse.Namespace, server_pid: int
) -> Result:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if page.signed_in:
        command += ["-H", f"Cookie: {_cookie_header(cookies)}"]
    cpu_before = _server_cpu_seconds(server_pid)
    output = subprocess.run(
        [*command, base + page.path], capture_output=True, text=True, check=True
    ).stdout
    cpu = _server_cpu_seconds(server_pid) - cpu_before
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    cpu_ms = cpu * 1000 / requests if requests else float("nan")
    return Result(rps=rps, p50_ms=p50, p99_ms=p99, errors=errors, cpu_ms=cpu_ms)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GUNICORN_CMD_ARGS": (
            f"--bind 127.0.0.1:{port} --workers {args.workers} --threads {args.gunicorn_threads}"
        ),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = Path(BENCH_ENV["JOBLETTERS_VAR_DIR"]) / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"gunicorn on 127.0.0.1:{port}, log in {log}")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--config",
            "gunicorn.conf.py",
            "--no-control-socket",
            # The one change to the production configuration: no worker recycling, so
            # a worker's start-up (a second or two of CPU) never lands in one page's
            # numbers.
            "--max-requests",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except (OSError, urllib.error.HTTPError):
            if process.poll() is not None:
                raise SystemExit("gunicorn exited at start-up") from None
            time.sleep(0.3)
    _stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _spread(values: list[float], digits: int = 0) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument(
        "--only", default="", help="comma-separated paths to measure (default: every page)"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no server: time each page and the minimal view through Django's test client",
    )
    parser.add_argument(
        "--requests", type=int, default=40, help="with --in-process: requests per page per round"
    )
    args = parser.parse_args()
    if args.only:
        wanted = set(args.only.split(","))
        PAGES[:] = [page for page in PAGES if page.path in wanted]

    _configure_environment()
    database_url = os.environ["DATABASE_URL"]
    if not database_url.startswith("postgres"):
        print("bench/pages.py: needs DATABASE_URL=postgres://… (the production database)")
        return
    if not _reachable(database_url, 5432) or not _reachable(os.environ["REDIS_URL"], 6379):
        print("bench/pages.py: PostgreSQL or Redis is not answering on 127.0.0.1; skipped")
        return
    if shutil.which("wrk") is None and not args.in_process:
        print("bench/pages.py: needs wrk (`make bench` installs it: apt-get install wrk)")
        return

    _ensure_database(database_url)
    _manage("migrate", "--noinput", "-v", "0")
    _manage("collectstatic", "--noinput", "-v", "0")
    _manage("demo")

    import django

    django.setup()
    _seed()
    # A community thread of the demo data (its id is known only now).
    from community.models import Thread

    thread = Thread.objects.order_by("pk").values_list("pk", flat=True).first()
    if thread is not None and not args.only:
        path = f"/community/{thread}/"
        PAGES.extend([Page(path), Page(path, signed_in=False)])
    if args.in_process:
        _in_process(args)
        return

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_gunicorn(port, args)
    try:
        cookies = _sign_in(base)
        jar = dict(cookies)
        packet = None if args.only else _packet_page(lambda p, d: _request(base, p, jar, d))
        if packet is not None:
            # A recruiter's page: each view is recorded for the seeker's report (a write).
            PAGES.append(Page(packet, signed_in=False, label="/p/<token>/ (recruiter)"))
        for page in [Page(MINIMAL), *PAGES]:
            status, _ = _request(base, page.path, dict(cookies) if page.signed_in else {})
            if status != 200:
                raise SystemExit(f"{page.name} answered {status}, not 200")
        queries = _queries_per_page(cookies["sessionid"])
        minimal = {True: Page(MINIMAL), False: Page(MINIMAL, signed_in=False)}
        order = [minimal[True], minimal[False], *PAGES]
        runs: dict[str, list[Result]] = {page.name: [] for page in order}
        ratios: dict[str, list[float]] = {page.name: [] for page in order}
        cpu_ratios: dict[str, list[float]] = {page.name: [] for page in order}
        for _ in range(args.rounds):
            # Each round loads every page once, in the same order: a burst of other
            # work on the machine hits a page and its baseline alike.
            round_results = {
                page.name: _wrk(base, page, cookies, args, server.pid) for page in order
            }
            for page in order:
                result = round_results[page.name]
                runs[page.name].append(result)
                baseline = round_results[minimal[page.signed_in].name]
                ratios[page.name].append(result.rps / baseline.rps)
                cpu_ratios[page.name].append(baseline.cpu_ms / result.cpu_ms)
    finally:
        _stop(server)
    _print_table(order, runs, ratios, cpu_ratios, queries, args)


def _print_table(
    order: list[Page],
    runs: dict[str, list[Result]],
    ratios: dict[str, list[float]],
    cpu_ratios: dict[str, list[float]],
    queries: dict[str, tuple[int, int]],
    args: argparse.Namespace,
) -> None:
    print()
    print(
        f"gunicorn {args.workers} workers x {args.gunicorn_threads} threads, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"{args.rounds} round(s), {os.cpu_count()} cores, PostgreSQL + Redis; "
        f"load average at the end: {os.getloadavg()[0]:.1f}"
    )
    print(
        "ratio: requests/s of the page / requests/s of the minimal view with the same cookies "
        "(signed in or not), per round; cpu ratio: the same with gunicorn's CPU ms per request"
    )
    print("values: median (min-max) over the rounds")
    columns = [
        ("page", 34),
        ("requests/s", 15),
        ("p50 ms", 19),
        ("p99 ms", 22),
        ("ratio", 17),
        ("cpu ms/req", 17),
        ("cpu ratio", 17),
        ("queries", 9),
        ("writes", 6),
    ]
    print("| " + " | ".join(f"{name:<{width}}" for name, width in columns) + " |")
    print("|" + "|".join("-" * (width + 2) for _, width in columns) + "|")
    for page in order:
        results = runs[page.name]
        count, writes = queries[page.name]
        errors = sum(r.errors for r in results)
        cells = [
            page.name,
            _spread([r.rps for r in results]),
            _spread([r.p50_ms for r in results], 1),
            _spread([r.p99_ms for r in results], 1),
            _spread(ratios[page.name], 2),
            _spread([r.cpu_ms for r in results], 2),
            _spread(cpu_ratios[page.name], 2),
            str(count),
            str(writes),
        ]
        row = " | ".join(
            f"{cell:<{width}}" for cell, (_, width) in zip(cells, columns, strict=True)
        )
        print(f"| {row} |" + (f" {errors} failed requests" if errors else ""))


if __name__ == "__main__":
    main()
