#!/usr/bin/env python3
"""The benchmark harness behind bench/run (issue 8). Python 3.11, stdlib only.

Builds (or takes MASTHEAD_BIN), generates the news-read-v1 dataset with the vendored
bench/workload/gen.py, loads it through the HTTP API into a fresh database, checks it,
measures start-up, memory, the read requests with wrk (bench/workload/rotate.lua) and
the writes (bench/writes.lua), then the media library (concurrent uploads, one
rendition under wrk), with --scale-out two instances on one PostgreSQL (throughput, and
how soon one serves a change made through the other), then prints a markdown table and
PASS/FAIL per target of issue 8 and of the media library. The media images need Pillow, installed into a venv. A report, not a test: it exits 0 when the measurements ran, whatever they
showed, and non-zero only when it could not measure. See bench/README.md.
"""
import argparse
import concurrent.futures
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORKLOAD = BENCH / "workload"
ROTATE = WORKLOAD / "rotate.lua"
ZIPF = BENCH / "zipf.lua"
WRITES = BENCH / "writes.lua"

# workload.md: the checksums gen.py must produce for news-read-v1.
EXPECTED_SUMS = {
    "sections.json": "f43772098b771fd26f9ede8367e405049608d62c2b16f1b9de2d4254c3f1d732",
    "articles.jsonl": "2e9b3f6116d48ee6dae7cdd20eff7505ef951c8e5460d664dea999ae98f8ba7f",
}
N_ARTICLES = 10_000
MILLION = 1_000_000
SEARCH_ROUNDS = 10
# Search is measured with the response cache off: its rounds repeat the common queries,
# which readers' varied searches would not; what is measured is the query itself.
NO_CACHE = {"MASTHEAD_PUBLIC_CACHE_MB": "0"}
# The size of the news-read-v1 SQLite file to stay within (Strapi's, for the same data).
DB_SIZE_TARGET = 108_000_000
BODY_BYTES = 5_000

ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "bench admin passphrase"
JWT_SECRET = "masthead-bench-jwt-secret-not-for-production-0123"
# Poll responses are limited per client address (600 a minute by default, so that one
# address cannot stuff a poll). Every wrk connection comes from 127.0.0.1, so the default
# would turn all but the first 600 votes of a minute into 429s and we would measure the
# limiter, not the vote path. Raised for the benchmark only.
VOTE_LIMIT = "1000000000"

WRK_THREADS, WRK_CONNECTIONS = 2, 32
LOAD_THREADS = 8

READS = [
    ("healthz", "/healthz", "/healthz (ceiling)"),
    ("a", "/api/v1/public/articles/article-{n}", "(a) article by slug"),
    ("b", "/api/v1/public/articles?section={section_slug}&limit=20", "(b) section front"),
    ("c", "/api/v1/public/articles/{doc_id}", "(c) article by id"),
    ("s", "/api/v1/public/articles/the-seeds-page", "(s) the seed's page"),
    ("z", "/api/v1/public/articles/article-{n}", "(z) article by slug, Zipf"),
    ("f", "/api/v1/public/feeds/rss?section={section_slug}", "(f) section feed, RSS"),
    ("g", "/api/v1/public/feeds/rss?section={section_slug}", "(g) feed, RSS, gzip"),
]
# Headers of a request beyond wrk's own: (g) is (f) asked as feed readers ask, taking
# gzip (its target is judged on this one; (f) is reported beside it).
HEADERS = {"g": ["Accept-Encoding: gzip"]}
# (z) draws articles from a Zipf distribution (bench/zipf.lua) instead of rotating
# through all of them evenly: a few stories read often, a long tail read rarely.
SCRIPTS = {"z": ZIPF}
# The public cache when the archive is larger than it: the 10,000 answers take about
# 24 MB packed, so a cache of 2 MiB holds a tenth of them.
LONG_TAIL_MB = 2
# The page this product exists for: a metered story with a reader poll (results shown)
# and a sponsored block in its body, with the paywall's meter on. One article, so every
# request asks for the same page, as readers of a front-page story do.
SEEDS_PAGE = "the-seeds-page"
# Request (c) was first served at /public/articles/by-id/{id}; since eff3872 the article
# answers by slug or id on one path. check_dataset picks whichever the binary serves.
C_PATHS = ["/api/v1/public/articles/{doc_id}", "/api/v1/public/articles/by-id/{doc_id}"]
LABELS = {key: label for key, _, label in READS}

MIB = 1024 * 1024


class Interrupted(Exception):
    pass


class CannotMeasure(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Output: everything printed is also kept in OUT/output.txt.


class Out:
    def __init__(self, directory: Path):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "wrk").mkdir(exist_ok=True)
        self.file = open(self.dir / "output.txt", "w")

    def say(self, *parts):
        line = " ".join(str(p) for p in parts)
        print(line, flush=True)
        self.file.write(line + "\n")
        self.file.flush()

    def raw(self, name: str, text: str):
        (self.dir / name).write_text(text)


OUT: Out


def say(*parts):
    OUT.say(*parts)


# ---------------------------------------------------------------------------------------
# Processes we start, stopped whatever happens.

STARTED: list[subprocess.Popen] = []


def spawn(cmd, **kw) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, **kw)
    STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 10):
    if proc.poll() is None:
        try:
            proc.terminate()
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        except ProcessLookupError:
            pass
    if proc in STARTED:
        STARTED.remove(proc)


def stop_all():
    for proc in list(reversed(STARTED)):
        stop(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int, field: str = "VmRSS") -> int | None:
    """VmRSS (or another /proc status field in kB, e.g. VmHWM, the peak RSS) in bytes."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class RssSampler:
    """VmRSS of a process every 0.5 s while running; `peak` is the largest sample."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every, self.samples = pid, every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while True:
            v = rss_bytes(self.pid)
            if v is not None:
                self.samples.append(v)
            if self._stop.wait(self.every):
                break

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak(self):
        return max(self.samples) if self.samples else None


# ---------------------------------------------------------------------------------------
# HTTP client (keep-alive, reconnects when the server closed the connection).


class Api:
    def __init__(self, port: int, token: str | None = None):
        self.port, self.token, self.conn = port, token, None

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def call(self, method, path, body=None, headers=None, expect=None):
        hdrs = {"accept": "application/json"}
        if self.token:
            hdrs["authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["content-type"] = "application/json"
        hdrs.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                res = self.conn.getresponse()
                raw = res.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        parsed = None
        if raw and "json" in (res.getheader("content-type") or ""):
            parsed = json.loads(raw)
        if expect is not None and res.status != expect:
            raise CannotMeasure(f"{method} {path}: expected {expect}, got {res.status}: {raw[:500]!r}")
        return res.status, res, parsed

    def close(self):
        if self.conn:
            self.conn.close()


def login(port: int, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
    _, _, body = Api(port).call("POST", "/api/v1/auth/login", {"email": email, "password": password}, expect=200)
    return body["access_token"]


def measure_login_growth(binary: Path, work: Path) -> dict:
    """RSS growth over 4 sign-ins (2 right, 2 wrong passwords) on a freshly started
    server: each hashes with Argon2 in a 19 MiB block that must go back to the system
    when freed, or it stays in a thread's heap for the life of the process."""
    db = work / "logins.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    server = Server(binary, f"sqlite://{db}", "logins")
    try:
        server.start()
        time.sleep(1)
        before = rss_bytes(server.pid)
        for password, status in ((ADMIN_PASSWORD, 200), ("wrong password!", 401)) * 2:
            Api(server.port).call(
                "POST", "/api/v1/auth/login", {"email": ADMIN_EMAIL, "password": password}, expect=status
            )
        time.sleep(1)
        after = rss_bytes(server.pid)
    finally:
        server.stop()
    growth = None if before is None or after is None else after - before
    say(f"   RSS {mib(before)} before, {mib(after)} after 4 sign-ins: growth {mib(growth)}")
    return {"before": before, "after": after, "growth": growth}


# ---------------------------------------------------------------------------------------
# The server.


def logging_level() -> str:
    level = os.environ.get("MASTHEAD_LOG") or os.environ.get("RUST_LOG")
    return f"{'MASTHEAD_LOG' if os.environ.get('MASTHEAD_LOG') else 'RUST_LOG'}={level}" if level else "info (default)"


def server_env(db_url: str, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
    # Settings a run may vary on purpose; every other MASTHEAD_* is the harness's own.
    for name in ("MASTHEAD_LOG", "MASTHEAD_PUBLIC_CACHE_MB", "MASTHEAD_PUBLIC_CACHE_SYNC_MS", "MASTHEAD_DB_POOL_SIZE",
                 "MASTHEAD_MEDIA_WORKERS", "MASTHEAD_MEDIA_QUEUE", "MASTHEAD_MEDIA_CACHE_MB"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(
        MASTHEAD_DATABASE_URL=db_url,
        MASTHEAD_BIND=f"127.0.0.1:{port}",
        MASTHEAD_ADMIN_EMAIL=ADMIN_EMAIL,
        MASTHEAD_ADMIN_PASSWORD=ADMIN_PASSWORD,
        MASTHEAD_JWT_SECRET=JWT_SECRET,
        MASTHEAD_ACCESS_LOG="false",
        MASTHEAD_ACCESS_TOKEN_TTL="86400",
        MASTHEAD_VOTE_LIMIT=VOTE_LIMIT,
    )
    return env


class Server:
    def __init__(self, binary: Path, db_url: str, name: str, extra_env: dict | None = None):
        self.binary, self.db_url, self.name = binary, db_url, name
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.proc = None
        self.log = None
        self.starts = 0

    def start(self) -> float:
        """Spawns the server; returns ms from spawn to the first 2xx on /healthz."""
        self.starts += 1
        log = self.log = open(OUT.dir / f"server-{self.name}.log", "a")
        log.write(f"--- start {self.starts} at {datetime.now(timezone.utc).isoformat()}\n")
        log.flush()
        env = dict(server_env(self.db_url, self.port), **self.extra_env)
        t0 = time.perf_counter()
        self.proc = spawn(
            [str(self.binary), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.spawned_at = t0
        deadline = t0 + 120
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise CannotMeasure(
                    f"server exited with {self.proc.returncode}; see {OUT.dir / f'server-{self.name}.log'}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
                conn.close()
                if 200 <= status < 300:
                    return (time.perf_counter() - t0) * 1000
            except OSError:
                pass
            time.sleep(0.002)
        raise CannotMeasure("server did not answer /healthz within 120 s")

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc:
            stop(self.proc)
            self.proc = None
        if self.log:
            self.log.close()
            self.log = None


# ---------------------------------------------------------------------------------------
# Build, tools, dataset.


def build_binary() -> Path:
    given = os.environ.get("MASTHEAD_BIN")
    if given:
        path = Path(given).resolve()
        if not os.access(path, os.X_OK):
            raise CannotMeasure(f"MASTHEAD_BIN={given} is not an executable")
        say(f"binary: {path} (MASTHEAD_BIN)")
        return path
    say("== cargo build --release")
    res = subprocess.run(
        ["cargo", "build", "--release", "--message-format=json-render-diagnostics"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    if res.returncode != 0:
        raise CannotMeasure("cargo build --release failed")
    for line in res.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["name"] == "masthead":
            say(f"binary: {msg['executable']}")
            return Path(msg["executable"])
    raise CannotMeasure("cargo build did not report the masthead executable")


def ensure_wrk():
    if shutil.which("wrk"):
        return
    say("== wrk not found: apt-get install -y wrk")
    if os.geteuid() != 0:
        raise CannotMeasure("wrk is missing; install it with: sudo apt-get install -y wrk")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            raise CannotMeasure("apt-get install -y wrk failed")
    if not shutil.which("wrk"):
        raise CannotMeasure("wrk still missing after apt-get install")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_dataset(directory: Path) -> Path:
    say(f"== dataset news-read-v1 in {directory}")
    t0 = time.time()
    subprocess.run([sys.executable, str(WORKLOAD / "gen.py"), str(directory)], check=True)
    listed = {}
    for line in (directory / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = line.split()
            listed[name] = digest
    for name, want in EXPECTED_SUMS.items():
        got = sha256(directory / name)
        if listed.get(name) != want or got != want:
            raise CannotMeasure(f"{name}: sha256 {got} (SHA256SUMS says {listed.get(name)}), expected {want}")
    say(f"   checksums match workload.md ({time.time() - t0:.1f} s)")
    return directory


# ---------------------------------------------------------------------------------------
# Loading through the API.


def paragraphs(body: str) -> list[dict]:
    return [{"type": "paragraph", "text": p} for p in body.split("\n\n")]


def load_through_api(port: int, dataset: Path, idmap_path: Path):
    t0 = time.time()
    token = login(port)
    admin = Api(port, token)
    sections = json.loads((dataset / "sections.json").read_text())
    section_ids = {}
    for s in sections:
        _, _, body = admin.call(
            "POST", "/api/v1/sections", {"name": s["name"], "slug": s["slug"], "position": s["id"]}, expect=201
        )
        section_ids[s["id"]] = body["id"]
    lines = (dataset / "articles.jsonl").read_text().splitlines()
    local = threading.local()
    clients = []
    done = [0]
    lock = threading.Lock()

    def one(line):
        if not hasattr(local, "api"):
            local.api = Api(port, token)
            with lock:
                clients.append(local.api)
        a = json.loads(line)
        _, res, body = local.api.call(
            "POST", "/api/v1/articles",
            {
                "headline": a["headline"],
                "slug": a["slug"],
                "standfirst": a["standfirst"],
                "section_id": section_ids[a["section_id"]],
                "body": paragraphs(a["body"]),
            },
            expect=201,
        )
        _, _, pub = local.api.call(
            "POST", f"/api/v1/articles/{body['id']}/publish", {"publish_at": a["published_at"]},
            headers={"if-match": res.getheader("etag")}, expect=200,
        )
        if pub["status"] != "published":
            raise CannotMeasure(f"{a['slug']}: status {pub['status']} after publish")
        with lock:
            done[0] += 1
            if done[0] % 2000 == 0:
                say(f"   {done[0]} articles ({time.time() - t0:.0f} s)")
        return a["id"], body["id"]

    ids = [None] * len(lines)
    with concurrent.futures.ThreadPoolExecutor(LOAD_THREADS) as pool:
        for n, doc_id in pool.map(one, lines):
            ids[n - 1] = doc_id
    for client in clients + [admin]:
        client.close()
    idmap_path.write_text("".join(f"{i}\n" for i in ids))
    seconds = time.time() - t0
    say(f"   loaded {len(sections)} sections and {len(lines)} articles through the API in {seconds:.1f} s")
    return seconds


def check_dataset(port: int, dataset: Path, idmap: list[str] | None, count_all: bool, n_total: int):
    """workload.md's checks before measuring; raises when one fails."""
    api = Api(port)
    want = None
    with open(dataset / "articles.jsonl") as f:
        for i, line in enumerate(f, 1):
            if i == 42:
                want = json.loads(line)
                break
    _, _, art = api.call("GET", "/api/v1/public/articles/article-00042", expect=200)
    texts = [b["text"] for b in art["body"] if b.get("type") == "paragraph"]
    size = sum(len(t.encode()) for t in texts) + 2 * (len(texts) - 1)
    if len(texts) != len(art["body"]) or "\n\n".join(texts) != want["body"] or size != BODY_BYTES:
        raise CannotMeasure(f"check (a) failed: article-00042 body is {size} bytes or differs from the dataset")
    say(f"   check (a): article-00042 body {size} bytes in {len(texts)} paragraphs, equal to the dataset: ok")
    c_path = None
    if idmap is not None:
        for template in C_PATHS:
            path = template.replace("{doc_id}", idmap[41])
            status, _, by_id = api.call("GET", path)
            if status == 200:
                c_path = template
                break
        else:
            raise CannotMeasure(f"check (c) failed: no 200 for article 42 by id at any of {C_PATHS}")
        if by_id["slug"] != "article-00042" or by_id["body"] != art["body"]:
            raise CannotMeasure(f"check (c) failed: {path} is not article-00042")
        say(f"   check (c): {c_path} answers article-00042 with the same body: ok")
    newest = {_newest_politics(n_total)}
    _, _, front = api.call("GET", "/api/v1/public/articles?section=politics&limit=20", expect=200)
    newest.add(_newest_politics(n_total))  # a minute may have passed (at 1M, articles go live every minute)
    items = front["items"]
    times = [datetime.fromisoformat(i["published_at"].replace("Z", "+00:00")) for i in items]
    if (
        len(items) != 20
        or items[0]["slug"] not in newest
        or any(b >= a for a, b in zip(times, times[1:]))
        or any(i["section"]["slug"] != "politics" for i in items)
    ):
        raise CannotMeasure(
            f"check (b) failed: {len(items)} items, first {items[0]['slug'] if items else None} (want {sorted(newest)}), "
            f"newest first: {all(b < a for a, b in zip(times, times[1:]))}"
        )
    say(f"   check (b): politics front has 20 items, first {items[0]['slug']}, strictly newest first: ok")
    if count_all:
        total, cursor = 0, None
        while True:
            path = "/api/v1/public/articles?limit=100" + (f"&cursor={cursor}" if cursor else "")
            _, _, page = api.call("GET", path, expect=200)
            total += len(page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        if total != n_total:
            raise CannotMeasure(f"public list has {total} articles, expected {n_total}")
        say(f"   all {total} articles are public: ok")
    api.close()
    return c_path


def make_seeds_page(port: int, dataset: Path):
    """Publishes SEEDS_PAGE (a metered article with a poll and a sponsored block, the
    meter on) and checks that readers get both embeds, resolved, in its preview."""
    admin = Api(port, login(port))
    _, _, poll = admin.call(
        "POST", "/api/v1/polls",
        {"title": "Seed's page poll", "results_visibility": "always",
         "questions": [{"prompt": "Should the city build the tram?", "kind": "single_choice",
                        "options": [{"label": "Yes"}, {"label": "No"}, {"label": "Not sure"}]}]},
        expect=201,
    )
    _, _, block = admin.call(
        "POST", "/api/v1/sponsored",
        {"title": "Travel with us", "sponsor_name": "Studio", "label": "Sponsored",
         "disclosure": "Paid for by Studio.", "placement": "article_inline", "status": "active",
         "body": [{"type": "paragraph", "text": "A partner's story."}]},
        expect=201,
    )
    _, _, sections = admin.call("GET", "/api/v1/sections?limit=100", expect=200)
    section = next(s for s in sections["items"] if s["slug"] == "news")
    with open(dataset / "articles.jsonl") as f:
        first = json.loads(f.readline())
    body = paragraphs(first["body"])
    body = body[:1] + [{"type": "poll", "poll_id": poll["id"]}, {"type": "sponsored", "block_id": block["id"]}] + body[1:]
    _, res, art = admin.call(
        "POST", "/api/v1/articles",
        {"headline": "The seed's page", "slug": SEEDS_PAGE, "standfirst": first["standfirst"],
         "section_id": section["id"], "body": body, "access": "metered", "preview_blocks": 4},
        expect=201,
    )
    admin.call("POST", f"/api/v1/articles/{art['id']}/publish", {}, headers={"if-match": res.getheader("etag")},
               expect=200)
    _, _, paywall = admin.call("GET", "/api/v1/paywall", expect=200)
    paywall["quota"] = 5
    admin.call("PUT", "/api/v1/paywall", {k: v for k, v in paywall.items() if k not in ("updated_at", "version")},
               expect=200)
    _, _, page = Api(port).call("GET", f"/api/v1/public/articles/{SEEDS_PAGE}", expect=200)
    kinds = [b["type"] for b in page["body"]]
    if kinds[1:3] != ["poll", "sponsored"] or "results" not in page["body"][1]["poll"] or not page["access"]["preview"]:
        raise CannotMeasure(f"check (s) failed: {SEEDS_PAGE} is {kinds}, preview {page['access']['preview']}")
    say(f"   check (s): {SEEDS_PAGE} is metered (preview of {len(kinds)} blocks) with its poll's results and a "
        "sponsored block: ok")
    admin.close()


def db_size(db: Path) -> dict:
    """The SQLite file's size once its WAL is checkpointed into it, and the bytes of
    each table with its indexes (FTS5 shadow tables under their table's name), from
    the dbstat virtual table. The server may be running: a checkpoint is safe then."""
    import sqlite3
    out: dict = {}
    try:
        con = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=30)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            tables = dict(con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
            parts: dict[str, int] = {}
            for name, size in con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
                owner = tables.get(name, name)
                owner = re.sub(r"_(data|idx|content|docsize|config)$", "", owner) if owner.endswith(
                    ("_data", "_idx", "_content", "_docsize", "_config")) else owner
                parts[owner] = parts.get(owner, 0) + size
            out["parts"] = dict(sorted(parts.items(), key=lambda kv: -kv[1]))
            out["free_pages"] = con.execute("PRAGMA freelist_count").fetchone()[0]
        except sqlite3.DatabaseError as e:
            out["parts_error"] = str(e)
        con.close()
    except sqlite3.DatabaseError as e:
        out["error"] = str(e)
    out["bytes"] = db.stat().st_size
    wal = Path(f"{db}-wal")
    out["wal_bytes"] = wal.stat().st_size if wal.exists() else 0
    return out


def measure_search(port: int, n_total: int, rounds: int) -> dict:
    """bench/search.py's query mix against the server on `port`."""
    sys.path.insert(0, str(BENCH))
    import search  # noqa: E402 (bench/search.py)
    return search.measure("127.0.0.1", port, n_total, rounds)


def measure_sitemaps(server: "Server") -> dict:
    """Reads the sitemap index and every page it lists, one after another (each body
    drained in 64 KiB reads), on a server started just before; returns the pages, URLs,
    bytes and seconds, and the server's peak RSS (VmHWM) after the last page."""
    import http.client
    t0 = time.time()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)

    def get(path: str) -> tuple[int, int, int]:
        conn.request("GET", path)
        res = conn.getresponse()
        size = urls = 0
        tail = b""
        while chunk := res.read(65536):
            size += len(chunk)
            urls += (tail + chunk).count(b"<url>")
            tail = chunk[-4:]
        return res.status, size, urls

    conn.request("GET", "/api/v1/public/sitemaps")
    res = conn.getresponse()
    index = res.read().decode()
    if res.status != 200:
        raise CannotMeasure(f"GET /api/v1/public/sitemaps: {res.status}")
    pages = [int(m) for m in re.findall(r"/public/sitemaps/(\d+)</loc>", index)]
    total_bytes = total_urls = 0
    for n in pages:
        status, size, urls = get(f"/api/v1/public/sitemaps/{n}")
        if status != 200:
            raise CannotMeasure(f"GET /api/v1/public/sitemaps/{n}: {status}")
        total_bytes += size
        total_urls += urls
    return {"pages": len(pages), "urls": total_urls, "bytes": total_bytes, "seconds": time.time() - t0,
            "peak_rss": rss_bytes(server.pid, "VmHWM")}


def _newest_politics(n_total: int) -> str:
    # politics is section 2: articles n = 2, 12, 22, ...; the newest live one is the
    # largest such n whose published_at (2026-01-01 + n minutes) has passed.
    if n_total == N_ARTICLES:
        return "article-09992"
    minutes = int((datetime.now(timezone.utc) - datetime(2026, 1, 1, tzinfo=timezone.utc)).total_seconds() // 60)
    n = min(n_total, minutes)
    while (n - 1) % 10 != 1:
        n -= 1
    return f"article-{n:05d}"


# ---------------------------------------------------------------------------------------
# wrk.

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(text: str) -> dict:
    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        return float(m.group(1)) * UNIT_MS[m.group(2)] if m else None

    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if not rps or not total:
        raise CannotMeasure(f"could not parse wrk output:\n{text}")
    errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()))) if sock else {}
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(errors.values()),
        "socket_detail": errors,
    }


def run_wrk(port: int, name: str, duration: float, script: Path, env: dict, pid: int | None = None,
            threads: int = WRK_THREADS, connections: int = WRK_CONNECTIONS,
            headers: list[str] | None = None) -> tuple[str, int | None]:
    cmd = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency", "--timeout", "10s",
        *(arg for h in headers or [] for arg in ("-H", h)),
        "-s", str(script), f"http://127.0.0.1:{port}",
    ]
    full_env = dict(os.environ, **env)
    sampler = RssSampler(pid) if pid else None
    if sampler:
        sampler.__enter__()
    try:
        proc = spawn(cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        text, _ = proc.communicate()
        STARTED.remove(proc)
    finally:
        if sampler:
            sampler.__exit__(None, None, None)
    settings = " ".join(f"{k}={v}" for k, v in env.items() if k != "BENCH_TOKEN")
    OUT.raw(f"wrk/{name}.txt", f"$ {settings} {' '.join(cmd)}\n{text}")
    if proc.returncode != 0:
        raise CannotMeasure(f"wrk failed ({proc.returncode}):\n{text}")
    return text, sampler.peak if sampler else None


def cache_counts(metrics_port: int) -> tuple[int, int]:
    """The server's public cache hits and misses so far, from its metrics listener."""
    conn = http.client.HTTPConnection("127.0.0.1", metrics_port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    counts = {}
    for name in ("masthead_public_cache_hits_total", "masthead_public_cache_misses_total"):
        m = re.search(rf"^{name}(?:{{[^}}]*}})? (\d+)", text, re.M)
        if not m:
            raise CannotMeasure(f"no {name} in the server's metrics")
        counts[name] = int(m.group(1))
    return counts["masthead_public_cache_hits_total"], counts["masthead_public_cache_misses_total"]


def measure_reads(server: Server, tag: str, keys: list[str], runs: int, warmup: float, duration: float,
                  idmap_file: Path | None, c_path: str | None = None, metrics_port: int | None = None,
                  extra_env: dict | None = None) -> list[dict]:
    """Per run, per request: warm-up, then the measured wrk run. Returns one dict per run.
    With `metrics_port`, each request also gets the cache's hit ratio in its measured run."""
    results = []
    templates = {key: path for key, path, _ in READS}
    if c_path:
        templates["c"] = c_path
    for r in range(1, runs + 1):
        run = {}
        for key in keys:
            env = dict(extra_env or {}, WRK_PATH_TEMPLATE=templates[key])
            if idmap_file and "{doc_id}" in templates[key]:
                env["WRK_IDMAP_FILE"] = str(idmap_file)
            script = SCRIPTS.get(key, ROTATE)
            headers = HEADERS.get(key)
            if warmup > 0:
                run_wrk(server.port, f"{tag}-run{r}-{key}-warmup", warmup, script, dict(env, WRK_START="2500"),
                        headers=headers)
            before = cache_counts(metrics_port) if metrics_port and key != "healthz" else None
            text, peak = run_wrk(
                server.port, f"{tag}-run{r}-{key}", duration, script, dict(env, WRK_START="0"), server.pid,
                headers=headers,
            )
            res = parse_wrk(text)
            res["peak_rss"] = peak
            if before:
                hits, misses = (a - b for a, b in zip(cache_counts(metrics_port), before))
                res["hit_ratio"] = hits / (hits + misses) if hits + misses else None
            run[key] = res
        base = run.get("healthz")
        for key, res in run.items():
            res["ratio"] = res["rps"] / base["rps"] if base else None
            say(
                f"   run {r} {LABELS[key]:<22} {res['rps']:>9.0f} req/s"
                + (f"  {res['ratio']:5.2f} of /healthz" if res["ratio"] is not None else "")
                + f"  p50 {res['p50_ms']:.2f} ms  p99 {res['p99_ms']:.2f} ms  non-2xx {res['non2xx']}"
                f"  socket errors {res['socket_errors']}  peak RSS {mib(res['peak_rss'])}"
                + (f"  cache hits {res['hit_ratio']:.0%}" if res.get("hit_ratio") is not None else "")
            )
        results.append(run)
    return results


def measure_cache_modes(binary: Path, db_url: str, runs: int, warmup: float, duration: float) -> dict:
    """The reads again on two fresh servers over the same database: one with no public
    cache, one whose cache holds a tenth of the archive (LONG_TAIL_MB)."""
    out = {}
    for mode, mb, keys in (("off", "0", ["healthz", "a", "b", "z"]), ("tail", str(LONG_TAIL_MB), ["healthz", "a", "z"])):
        metrics_port = free_port()
        server = Server(binary, db_url, f"cache-{mode}",
                        {"MASTHEAD_PUBLIC_CACHE_MB": mb, "MASTHEAD_METRICS_BIND": f"127.0.0.1:{metrics_port}"})
        try:
            server.start()
            say(f"   cache {mb} MiB:")
            # Both count requests for their metrics, so that they differ only in the cache.
            out[mode] = medians(measure_reads(server, f"cache-{mode}", keys, runs, warmup, duration, None,
                                              metrics_port=metrics_port))
        finally:
            server.stop()
    return out


# ---------------------------------------------------------------------------------------
# Scale-out: two instances on one PostgreSQL database.

# Each instance gets one wrk of -t1 -c16: together the load of the other reads' -t2 -c32.
SCALE_CONNECTIONS = 16
SCALE_CHANGES = 5
# README: MASTHEAD_PUBLIC_CACHE_SYNC_MS defaults to 1000 ms, the longest a change made
# through another instance may be served stale. The allowance covers the 10 ms polling,
# the request that sees the change, and scheduling on a busy machine.
SYNC_MS_DEFAULT = 1000
SYNC_ALLOWANCE_MS = 100
SYNC_POLL_S = 0.01


def wrk_together(jobs: list[tuple[Server, str, str]], duration: float, env: dict) -> list[dict]:
    """One wrk -t1 -c16 per (server, name, WRK_START), all at the same time."""
    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        futures = [pool.submit(run_wrk, server.port, name, duration, ROTATE, dict(env, WRK_START=start),
                               threads=1, connections=SCALE_CONNECTIONS) for server, name, start in jobs]
        return [parse_wrk(f.result()[0]) for f in futures]


def prime(server: Server):
    """Asks the instance for each of the 10,000 articles once: its public cache, not yet
    full, keeps each answer, so that neither setup measured below pays for misses that
    the other did not (a short warm-up reaches only part of the archive)."""
    local = threading.local()
    clients = []

    def one(n):
        if not hasattr(local, "api"):
            local.api = Api(server.port)
            clients.append(local.api)
        local.api.call("GET", f"/api/v1/public/articles/article-{n:05d}", expect=200)

    with concurrent.futures.ThreadPoolExecutor(LOAD_THREADS) as pool:
        list(pool.map(one, range(1, N_ARTICLES + 1)))
    for client in clients:
        client.close()


def public_headline(api: Api, slug: str) -> str:
    return api.call("GET", f"/api/v1/public/articles/{slug}", expect=200)[2]["headline"]


def measure_sync(a: Server, b: Server, ids: list[str], sync_ms: int) -> list[dict]:
    """SCALE_CHANGES headline edits through A's editorial API, each to an article that A
    and B have just served twice (so both hold it in their public cache); then B is
    polled every SYNC_POLL_S until it serves the new headline."""
    admin = Api(a.port, login(a.port))
    pub_a, pub_b = Api(a.port), Api(b.port)
    salt = f"{random.getrandbits(32):08x}"
    timeout = max(10.0, 10 * sync_ms / 1000)
    changes = []
    for i in range(SCALE_CHANGES):
        n = 1234 + 1717 * i
        slug, doc_id = f"article-{n:05d}", ids[n - 1]
        for api in (pub_a, pub_b, pub_a, pub_b):
            old = public_headline(api, slug)
        new = f"Scale-out check {salt} {i + 1}"
        _, res, _ = admin.call("GET", f"/api/v1/articles/{doc_id}", expect=200)
        admin.call("PATCH", f"/api/v1/articles/{doc_id}", {"headline": new},
                   headers={"if-match": res.getheader("etag")}, expect=200)
        patched = time.perf_counter()
        own = public_headline(pub_a, slug) == new
        stale, delay = 0, None
        while time.perf_counter() - patched < timeout:
            got = public_headline(pub_b, slug)
            if got == new:
                delay = (time.perf_counter() - patched) * 1000
                break
            if got != old:
                raise CannotMeasure(f"B served {slug} with headline {got!r}, neither the old nor the new one")
            stale += 1
            time.sleep(SYNC_POLL_S)
        changes.append({"slug": slug, "delay_ms": delay, "stale": stale, "own": own})
        say(f"   change {i + 1}: {slug} through A: A serves it at once: {own}; B served the old headline {stale} "
            f"time(s), then the new one " + (f"{delay:.0f} ms after the PATCH's answer" if delay is not None
                                              else f"never within {timeout:g} s"))
    for api in (admin, pub_a, pub_b):
        api.close()
    return changes


def measure_scale_out(binary: Path, db_url: str, ids: list[str], runs: int, warmup: float, duration: float) -> dict:
    """Two fresh servers on the same database, default public cache, each asked for
    every article once. Per run, request (a) with two wrk at once: both on A (one
    instance alone), then one on A and one on B, the same request streams. Then the
    sync window: changes through A, seen by B."""
    sync_ms = int(os.environ.get("MASTHEAD_PUBLIC_CACHE_SYNC_MS") or SYNC_MS_DEFAULT)
    a, b = Server(binary, db_url, "scale-a"), Server(binary, db_url, "scale-b")
    env = {"WRK_PATH_TEMPLATE": READS[1][1]}
    each = []
    try:
        a.start()
        b.start()
        t0 = time.time()
        for server in (a, b):
            prime(server)
        say(f"   both instances asked for each of the {N_ARTICLES} articles once ({time.time() - t0:.1f} s)")
        for r in range(1, runs + 1):
            if warmup > 0:
                wrk_together([(a, f"scale-run{r}-a-warmup", "2500"), (b, f"scale-run{r}-b-warmup", "7500")],
                             warmup, env)
            single = wrk_together([(a, f"scale-run{r}-single-1", "0"), (a, f"scale-run{r}-single-2", "5000")],
                                  duration, env)
            pair = wrk_together([(a, f"scale-run{r}-pair-a", "0"), (b, f"scale-run{r}-pair-b", "5000")],
                                duration, env)
            run = {
                "single_rps": sum(w["rps"] for w in single),
                "a_rps": pair[0]["rps"], "b_rps": pair[1]["rps"],
                "combined_rps": pair[0]["rps"] + pair[1]["rps"],
                "single_p99_ms": max(w["p99_ms"] for w in single),
                "a_p99_ms": pair[0]["p99_ms"], "b_p99_ms": pair[1]["p99_ms"],
                "errors": sum(w["non2xx"] + w["socket_errors"] for w in single + pair),
            }
            run["ratio"] = run["combined_rps"] / run["single_rps"]
            each.append(run)
            say(f"   run {r}: one instance under both wrk {run['single_rps']:.0f} req/s (p99 "
                f"{run['single_p99_ms']:.2f} ms); two instances {run['a_rps']:.0f} + {run['b_rps']:.0f} = "
                f"{run['combined_rps']:.0f} req/s (p99 {run['a_p99_ms']:.2f} / {run['b_p99_ms']:.2f} ms), "
                f"{run['ratio']:.2f}x; non-2xx and socket errors {run['errors']}")
        say(f"   sync window ({sync_ms} ms): {SCALE_CHANGES} headline changes through A, B polled every "
            f"{SYNC_POLL_S * 1000:g} ms")
        changes = measure_sync(a, b, ids, sync_ms)
    finally:
        a.stop()
        b.stop()
    out = {key: statistics.median(run[key] for run in each) for key in each[0] if key != "errors"}
    delays = [c["delay_ms"] for c in changes]
    seen = [d for d in delays if d is not None]
    out.update(
        errors=sum(run["errors"] for run in each), runs=len(each), each_combined=[run["combined_rps"] for run in each],
        sync_ms=sync_ms, changes=changes,
        max_delay_ms=max(seen) if len(seen) == len(delays) else None,
        median_delay_ms=statistics.median(seen) if seen else None,
    )
    return out


def medians(runs: list[dict]) -> dict:
    out = {}
    for key in runs[0]:
        rows = [run[key] for run in runs]

        def med(field):
            vals = [r[field] for r in rows if r.get(field) is not None]
            return statistics.median(vals) if vals else None

        out[key] = {
            "rps": med("rps"),
            "ratio": med("ratio"),
            "p50_ms": med("p50_ms"),
            "p99_ms": med("p99_ms"),
            "non2xx": sum(r["non2xx"] for r in rows),
            "socket_errors": sum(r["socket_errors"] for r in rows),
            "peak_rss": max((r["peak_rss"] or 0) for r in rows),
            "hit_ratio": med("hit_ratio"),
            "runs": len(rows),
            "each_rps": [r["rps"] for r in rows],
        }
    return out


def mib(v):
    return "n/a" if v is None else f"{v / MIB:.1f} MiB"


# ---------------------------------------------------------------------------------------
# Start-up and idle memory.


def restarts(server: Server, times: int = 3) -> dict:
    """Restarts on the existing database; start-up ms and VmRSS 5 s after spawn."""
    startup, idle = [], []
    for i in range(times):
        server.stop()
        ms = server.start()
        time.sleep(max(0.0, server.spawned_at + 5 - time.perf_counter()))
        rss = rss_bytes(server.pid)
        startup.append(ms)
        idle.append(rss)
        say(f"   start {i + 1}: {ms:.0f} ms to the first 2xx on /healthz, idle RSS {mib(rss)}")
    return {"startup_ms": statistics.median(startup), "idle_rss": statistics.median(idle),
            "startup_all": startup, "idle_all": idle}


# ---------------------------------------------------------------------------------------
# Writes.


def parse_writes(text: str) -> dict:
    m = re.search(r"^BENCH_WRITES (\{.*\})$", text, re.M)
    if not m:
        raise CannotMeasure(f"no BENCH_WRITES line in wrk output:\n{text}")
    return json.loads(m.group(1))


def write_summary(what: str, counts: dict, seconds: float, stored: int, peak) -> dict:
    failed = {k[1:]: v for k, v in counts.items() if re.fullmatch(r"c(\d+|5xx|other)", k) and v}
    unanswered = counts["sent"] - counts["created"] - counts["failed"]
    exact = stored == counts["created"] and unanswered == 0
    res = {
        "per_s": counts["created"] / seconds,
        "created": counts["created"],
        "sent": counts["sent"],
        "failed": counts["failed"],
        "failed_by_status": failed,
        "unanswered": unanswered,
        "stored": stored,
        "exact": exact,
        "seconds": seconds,
        "peak_rss": peak,
    }
    say(
        f"   {what}: {res['per_s']:.0f}/s ({counts['created']} x 201 in {seconds:g} s; sent {counts['sent']}, "
        f"failed {counts['failed']} {failed or ''}, unanswered {unanswered}); the server counts {stored}: "
        + ("exact" if exact else "MISMATCH")
        + f"; peak RSS {mib(peak)}"
    )
    return res


def measure_votes(server: Server, seconds: float) -> dict:
    admin = Api(server.port, login(server.port))
    salt = f"{random.getrandbits(32):08x}"
    _, _, poll = admin.call(
        "POST", "/api/v1/polls",
        {
            "title": f"Benchmark poll {salt}",
            "questions": [{"prompt": "Do you live in Asia?", "kind": "single_choice",
                           "options": [{"label": "Yes"}, {"label": "No"}]}],
            "results_visibility": "always",
        },
        expect=201,
    )
    # A poll has no publish step: without opens_at it is open at once. Check it is.
    Api(server.port).call("GET", f"/api/v1/public/polls/{poll['id']}", expect=200)
    question = poll["questions"][0]
    env = {
        "BENCH_MODE": "vote", "BENCH_SECONDS": f"{seconds:g}", "BENCH_SALT": salt,
        "BENCH_POLL_ID": poll["id"], "BENCH_QUESTION_ID": question["id"],
        "BENCH_OPTION_IDS": ",".join(o["id"] for o in question["options"]),
    }
    text, peak = run_wrk(server.port, "writes-votes", seconds + 3, WRITES, env, server.pid)
    counts = parse_writes(text)
    _, _, results = admin.call("GET", f"/api/v1/polls/{poll['id']}/results", expect=200)
    stored = results["total_responses"]
    res = write_summary("poll votes", counts, seconds, stored, peak)
    res["results"] = results
    return res


def measure_creations(server: Server, dataset: Path, seconds: float) -> dict:
    token = login(server.port)
    admin = Api(server.port, token)
    salt = f"{random.getrandbits(32):08x}"
    tag = f"bench-{salt}"
    _, _, sections = admin.call("GET", "/api/v1/sections?limit=100", expect=200)
    section = next(s for s in sections["items"] if s["slug"] == "news")
    with open(dataset / "articles.jsonl") as f:
        first = json.loads(f.readline())
    template = {
        "headline": "Benchmark article @@KEY@@",
        "slug": "bench-@@KEY@@",
        "standfirst": first["standfirst"],
        "section_id": section["id"],
        "body": paragraphs(first["body"]),
        "tags": [tag],
    }
    template_path = OUT.dir / "create-template.json"
    template_path.write_text(json.dumps(template))
    env = {"BENCH_MODE": "create", "BENCH_SECONDS": f"{seconds:g}", "BENCH_SALT": salt,
           "BENCH_TOKEN": token, "BENCH_TEMPLATE": str(template_path)}
    text, peak = run_wrk(server.port, "writes-creations", seconds + 3, WRITES, env, server.pid)
    counts = parse_writes(text)
    stored, cursor = 0, None
    while True:
        path = f"/api/v1/articles?tag={tag}&limit=100" + (f"&cursor={cursor}" if cursor else "")
        _, _, page = admin.call("GET", path, expect=200)
        stored += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    return write_summary("article creations", counts, seconds, stored, peak)


# ---------------------------------------------------------------------------------------
# The media library (docs/media.md): concurrent uploads of camera-sized JPEGs, then one
# rendition served under wrk. Reported against the media targets, which are not among
# issue 8's.

MEDIA_UPLOADS = 20
MEDIA_RSS_TARGET = 256 * MIB
MEDIA_RATIO_TARGET = 0.50
RENDITION = "w640.webp"
EDITOR_EMAIL = "bench-editor@example.org"
EDITOR_PASSWORD = "bench editor passphrase"
BENCH_VENV = ROOT / "target" / "bench-venv"
S3_PORT = "25905"


def bench_python() -> Path:
    """The python of target/bench-venv, with bench/requirements.txt (Pillow, pysqlite3) installed."""
    py = BENCH_VENV / "bin" / "python"
    req = BENCH / "requirements.txt"
    stamp = BENCH_VENV / ".requirements"
    if not py.exists():
        say(f"   python3 -m venv {BENCH_VENV}")
        if subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)]).returncode != 0:
            raise CannotMeasure(f"python3 -m venv {BENCH_VENV} failed (on Debian: apt-get install python3-venv)")
    # pip takes seconds even with nothing to do: skip it while the pins are unchanged.
    if not stamp.exists() or stamp.read_bytes() != req.read_bytes():
        say("   pip install -r bench/requirements.txt")
        cmd = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(req)]
        if subprocess.run(cmd).returncode != 0:
            raise CannotMeasure("pip install -r bench/requirements.txt failed")
        shutil.copyfile(req, stamp)
    return py


def media_images(work: Path) -> list[Path]:
    """The upload images, made once by bench/media_images.py and kept in work/."""
    directory = work / "media-images"
    marker = directory / "complete.json"
    want = {"n": MEDIA_UPLOADS, "gen_sha256": sha256(BENCH / "media_images.py"),
            "requirements_sha256": sha256(BENCH / "requirements.txt")}
    paths = [directory / f"photo-{i:02d}.jpg" for i in range(MEDIA_UPLOADS)]
    if marker.exists() and json.loads(marker.read_text()) == want and all(p.exists() for p in paths):
        say(f"   reusing the {MEDIA_UPLOADS} test images in {directory}")
        return paths
    shutil.rmtree(directory, ignore_errors=True)
    t0 = time.time()
    py = bench_python()
    if subprocess.run([str(py), str(BENCH / "media_images.py"), str(directory), str(MEDIA_UPLOADS)]).returncode != 0:
        raise CannotMeasure("bench/media_images.py failed")
    marker.write_text(json.dumps(want))
    size = statistics.mean(p.stat().st_size for p in paths)
    say(f"   made {MEDIA_UPLOADS} 6000x4000 JPEGs of {size / MIB:.1f} MiB each in {directory} "
        f"({time.time() - t0:.1f} s)")
    return paths


def multipart(fields: list[tuple[str, str | None, str | None, bytes]]) -> tuple[bytes, str]:
    """multipart/form-data from (name, file name or None, content type or None, bytes)."""
    boundary = f"masthead-bench-{random.getrandbits(64):016x}"
    chunks = []
    for name, filename, ctype, data in fields:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        head += (f"Content-Type: {ctype}\r\n" if ctype else "") + "\r\n"
        chunks += [head.encode(), data, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def upload(port: int, token: str, body: bytes, ctype: str, barrier: threading.Barrier) -> dict:
    """POST /api/v1/media once all uploads are connected; a 503 (the decode queue is full)
    is retried after its Retry-After, as a client would, and counted."""
    retries, t0 = 0, None
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.connect()
        if t0 is None:
            barrier.wait(timeout=120)
            t0 = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/media", body=body, headers={
                "authorization": f"Bearer {token}", "content-type": ctype, "accept": "application/json"})
            res = conn.getresponse()
            raw = res.read()
        finally:
            conn.close()
        if res.status == 503 and retries < 20:
            retries += 1
            try:
                wait = float(res.getheader("retry-after") or 1)
            except ValueError:
                wait = 1.0
            time.sleep(min(max(wait, 0.1), 30))
            continue
        parsed = json.loads(raw) if raw and "json" in (res.getheader("content-type") or "") else None
        return {"status": res.status, "seconds": time.perf_counter() - t0, "retries": retries, "body": parsed,
                "raw": raw[:300]}


def http_get(port: int, path: str) -> tuple[int, http.client.HTTPResponse, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        raw = res.read()
    finally:
        conn.close()
    return res.status, res, raw, (time.perf_counter() - t0) * 1000


def image_size(path: Path) -> str:
    res = subprocess.run(
        [str(bench_python()), "-c", "import sys; from PIL import Image; im = Image.open(sys.argv[1]); "
         "print(f'{im.format} {im.width}x{im.height}')", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return res.stdout.strip().splitlines()[-1] if res.stdout.strip() else "unreadable"


def measure_media(binary: Path, work: Path, tag: str, runs: int, warmup: float, duration: float,
                  store_env: dict | None = None) -> dict | None:
    """(a) MEDIA_UPLOADS concurrent uploads as an editor on a fresh server: the server's
    peak RSS; (b) one rendition, made once, then served under wrk: req/s as a ratio of
    /healthz in the same run. None when the binary has no media library."""
    images = media_images(work)
    db = work / f"{tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = work / f"{tag}-store"
    shutil.rmtree(store, ignore_errors=True)
    server = Server(binary, f"sqlite://{db}", tag, store_env or {"MASTHEAD_MEDIA_DIR": str(store)})
    try:
        server.start()
        admin = Api(server.port, login(server.port))
        admin.call("POST", "/api/v1/users", {"email": EDITOR_EMAIL, "display_name": "Bench Editor", "role": "editor",
                                             "password": EDITOR_PASSWORD}, expect=201)
        admin.close()
        token = login(server.port, EDITOR_EMAIL, EDITOR_PASSWORD)
        editor = Api(server.port, token)
        status, _, _ = editor.call("GET", "/api/v1/media?limit=1")
        if status in (404, 405):
            say(f"   this server has no media library (GET /api/v1/media answers {status}): skipped")
            return None
        if status != 200:
            raise CannotMeasure(f"GET /api/v1/media answered {status}")

        bodies = [multipart([("file", p.name, "image/jpeg", p.read_bytes()),
                             ("alt", None, None, f"Benchmark photo {i}".encode())]) for i, p in enumerate(images)]
        # The sign-ins' Argon2 block goes back to the system within a second or so.
        time.sleep(2)
        before = rss_bytes(server.pid)
        barrier = threading.Barrier(len(bodies))
        t0 = time.perf_counter()
        # Every 50 ms: a decoded 24-megapixel image lives for well under a second.
        with RssSampler(server.pid, every=0.05) as sampler:
            with concurrent.futures.ThreadPoolExecutor(len(bodies)) as pool:
                results = list(pool.map(lambda b: upload(server.port, token, b[0], b[1], barrier), bodies))
        wall = time.perf_counter() - t0
        hwm = rss_bytes(server.pid, "VmHWM")
        time.sleep(2)
        after = rss_bytes(server.pid)
        statuses: dict[str, int] = {}
        for r in results:
            statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
        created = [r["body"] for r in results if r["status"] == 201 and r["body"]]
        distinct = len({a["id"] for a in created})
        failed = [r for r in results if r["status"] != 201]
        for r in failed[:3]:
            say(f"   upload answered {r['status']}: {r['raw']!r}")
        secs = sorted(r["seconds"] for r in results)
        uploads = {
            "n": len(bodies), "mean_bytes": statistics.mean(len(b[0]) for b in bodies), "statuses": statuses,
            "distinct_assets": distinct, "retries_503": sum(r["retries"] for r in results), "wall_s": wall,
            "median_s": statistics.median(secs), "max_s": secs[-1], "rss_before": before,
            "peak_rss": sampler.peak, "vm_hwm": hwm, "rss_after": after,
        }
        say(f"   {len(bodies)} concurrent uploads: {statuses} ({distinct} distinct assets, "
            f"{uploads['retries_503']} retries after 503) in {wall:.1f} s; each {uploads['median_s']:.1f} s median, "
            f"{uploads['max_s']:.1f} s max")
        say(f"   server RSS {mib(before)} before, peak {mib(sampler.peak)} sampled every 50 ms, VmHWM {mib(hwm)}, "
            f"{mib(after)} 2 s after")
        out = {"store": "S3 (moto)" if store_env else "local directory", "uploads": uploads}
        if not created:
            say("   no upload was stored: no rendition to serve")
            return out

        asset = created[0]
        path = f"/api/v1/public/media/{asset['id']}/{RENDITION}"
        listed = path in json.dumps(asset.get("renditions"))
        status, res, raw, made_ms = http_get(server.port, path)
        if status != 200:
            raise CannotMeasure(f"GET {path} answered {status}: {raw[:300]!r}")
        saved = OUT.dir / f"{tag}-{RENDITION}"
        saved.write_bytes(raw)
        size = image_size(saved)
        _, res2, raw2, served_ms = http_get(server.port, path)
        same = raw2 == raw and res2.getheader("etag") == res.getheader("etag")
        say(f"   {path}: made in {made_ms:.0f} ms ({len(raw)} bytes, {res.getheader('content-type')}, {size}, "
            f"listed in the asset's renditions: {listed}), then served in {served_ms:.1f} ms "
            f"(same bytes and ETag: {same}; Cache-Control: {res2.getheader('cache-control')})")
        each = []
        for r in range(1, runs + 1):
            run = {}
            for key, p in (("healthz", "/healthz"), ("rendition", path)):
                env = {"WRK_PATH_TEMPLATE": p}
                if warmup > 0:
                    run_wrk(server.port, f"{tag}-run{r}-{key}-warmup", warmup, ROTATE, dict(env, WRK_START="2500"))
                text, peak = run_wrk(server.port, f"{tag}-run{r}-{key}", duration, ROTATE, dict(env, WRK_START="0"),
                                     server.pid)
                run[key] = dict(parse_wrk(text), peak_rss=peak)
            ratio = run["rendition"]["rps"] / run["healthz"]["rps"]
            each.append(dict(run, ratio=ratio))
            say(f"   run {r}: /healthz {run['healthz']['rps']:.0f} req/s, {RENDITION} {run['rendition']['rps']:.0f} "
                f"req/s = {ratio:.2f} of /healthz, p99 {run['rendition']['p99_ms']:.2f} ms, non-2xx "
                f"{run['rendition']['non2xx']}, socket errors {run['rendition']['socket_errors']}, "
                f"peak RSS {mib(run['rendition']['peak_rss'])}")
        out["rendition"] = {
            "path": path, "bytes": len(raw), "image": size, "made_ms": made_ms, "served_ms": served_ms,
            "listed": listed, "same": same,
            "healthz_rps": statistics.median(e["healthz"]["rps"] for e in each),
            "rps": statistics.median(e["rendition"]["rps"] for e in each),
            "ratio": statistics.median(e["ratio"] for e in each),
            "p99_ms": statistics.median(e["rendition"]["p99_ms"] for e in each),
            "errors": sum(e["rendition"]["non2xx"] + e["rendition"]["socket_errors"] for e in each),
            "peak_rss": max(e["rendition"]["peak_rss"] or 0 for e in each),
            "each_ratio": [e["ratio"] for e in each],
        }
        return out
    finally:
        server.stop()


class S3:
    """scripts/s3-test-server on 127.0.0.1:S3_PORT, for the media parts with --media-s3."""

    def __init__(self):
        self.started = False
        self.script = ROOT / "scripts" / "s3-test-server"
        self.env = dict(os.environ, S3PORT=S3_PORT)

    def start(self) -> dict:
        self.started = True
        res = subprocess.run([str(self.script), "start"], env=self.env, stdout=subprocess.PIPE, text=True)
        if res.returncode != 0:
            raise CannotMeasure("scripts/s3-test-server start failed")
        url = res.stdout.strip().splitlines()[-1]
        lines = subprocess.run([str(self.script), "env"], env=self.env, stdout=subprocess.PIPE, text=True,
                               check=True).stdout.splitlines()
        store = dict(line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export "))
        return dict(store, MASTHEAD_MEDIA_STORE=f"{url}/bench")

    def stop(self):
        if self.started:
            subprocess.run([str(self.script), "stop"], env=self.env, check=False)
            self.started = False


# ---------------------------------------------------------------------------------------
# PostgreSQL (a throwaway server on port 25435, or BENCH_PGPORT).

PG_PORT = os.environ.get("BENCH_PGPORT") or "25435"


class Postgres:
    def __init__(self):
        self.started = False
        self.script = ROOT / "scripts" / "pg-test-server"

    def start(self) -> str:
        env = dict(os.environ, PGPORT=PG_PORT)
        self.started = True
        res = subprocess.run([str(self.script), "start"], env=env, stdout=subprocess.PIPE, text=True)
        if res.returncode != 0:
            raise CannotMeasure("scripts/pg-test-server start failed")
        url = res.stdout.strip().splitlines()[-1]
        db = "masthead_bench"
        quiet = dict(os.environ, PGOPTIONS="--client-min-messages=warning")
        subprocess.run(["psql", url, "-q", "-c", f"DROP DATABASE IF EXISTS {db}"], check=True, env=quiet)
        subprocess.run(["psql", url, "-q", "-c", f"CREATE DATABASE {db}"], check=True, env=quiet)
        return url.rsplit("/", 1)[0] + f"/{db}"

    def stop(self):
        if self.started:
            subprocess.run([str(self.script), "stop"], env=dict(os.environ, PGPORT=PG_PORT), check=False)
            self.started = False


# ---------------------------------------------------------------------------------------
# 1,000,000 articles (bulk-loaded into SQLite by bench/million.py; kept between runs).


# The sitemaps of a million articles are streamed from the database, never built whole.
PEAK_RSS_SITEMAPS_MIB = 64


def million_db(binary: Path, work: Path) -> Path:
    db = work / "million" / "million.db"
    marker = work / "million" / "complete.json"
    want = {"n": MILLION, "gen_sha256": sha256(WORKLOAD / "gen.py"), "loader_sha256": sha256(BENCH / "million.py")}
    if marker.exists() and db.exists():
        have = json.loads(marker.read_text())
        if all(have.get(k) == v for k, v in want.items()):
            say(f"   reusing {db} (built {have.get('built_at')}; delete {db.parent} to rebuild)")
            return db
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    say(f"   building {db}: migrate, then bulk-load {MILLION} articles (slow: tens of minutes)")
    t0 = time.time()
    with open(OUT.dir / "million-migrate.log", "w") as log:
        subprocess.run([str(binary), "migrate", "--database-url", f"sqlite://{db}"], check=True,
                       env=server_env(f"sqlite://{db}", 0), stdout=log, stderr=subprocess.STDOUT)
    # million.py needs SQLite 3.43+ (contentless_delete): the venv's pysqlite3 has it.
    proc = spawn([str(bench_python()), str(BENCH / "million.py"), str(db), str(MILLION)])
    if proc.wait() != 0:
        raise CannotMeasure("bench/million.py failed")
    STARTED.remove(proc)
    marker.write_text(json.dumps(dict(want, built_at=datetime.now(timezone.utc).isoformat(),
                                      seconds=round(time.time() - t0))))
    say(f"   built in {time.time() - t0:.0f} s")
    return db


# ---------------------------------------------------------------------------------------
# Report.


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {len(os.sched_getaffinity(0))}, {model}"


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "n/a"


def fmt(v, spec=".0f", none="n/a"):
    return none if v is None else format(v, spec)


def read_table(title: str, med: dict, base: dict | None = None) -> list[str]:
    """One row per request; the ratio is to /healthz, or to `base` (the 10k medians)."""
    lines = [
        f"**{title}** (non-2xx and socket errors: totals over the runs; peak RSS: the largest)",
        "",
        f"| request | req/s | ratio to {'10k' if base else '/healthz'} | p50 ms | p99 ms | non-2xx | socket errors "
        "| peak RSS | req/s of each run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key in med:
        m = med[key]
        ratio = m["rps"] / base[key]["rps"] if base and key in base else m["ratio"]
        lines.append(
            f"| {LABELS[key]} | {fmt(m['rps'])} | {fmt(ratio, '.2f')} | {fmt(m['p50_ms'], '.2f')} | "
            f"{fmt(m['p99_ms'], '.2f')} | {m['non2xx']} | {m['socket_errors']} | {mib(m['peak_rss'])} | "
            f"{', '.join(f'{v:.0f}' for v in m['each_rps'])} |"
        )
    return lines


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def targets(res: dict) -> list[tuple[str, bool | None, str]]:
    out = []

    def reads(tag, name):
        med = res.get(tag)
        if not med:
            return
        for key, floor in (("a", 0.50), ("b", 0.40), ("c", 0.50), ("s", 0.50), ("g", 0.40)):
            if key in med:
                r = med[key]["ratio"]
                out.append((f"{name}{LABELS[key]} >= {floor:.0%} of /healthz", r is not None and r >= floor,
                            f"{r:.2f}"))
        for key in ("a", "b", "c", "s"):
            if key in med:
                p = med[key]["p99_ms"]
                out.append((f"{name}{LABELS[key]} p99 <= 10 ms", p is not None and p <= 10, f"{p:.2f} ms"))
        errs = sum(m["non2xx"] + m["socket_errors"] for m in med.values())
        out.append((f"{name}no non-2xx, no socket errors", errs == 0, f"{errs}"))
        peak = max(m["peak_rss"] for m in med.values())
        out.append((f"{name}peak RSS <= 64 MiB", peak <= 64 * MIB, mib(peak)))

    reads("sqlite", "")
    if "sqlite_start" in res:
        s = res["sqlite_start"]
        out.append(("idle RSS <= 20 MiB", s["idle_rss"] <= 20 * MIB, mib(s["idle_rss"])))
        out.append(("start-up <= 200 ms", s["startup_ms"] <= 200, f"{s['startup_ms']:.0f} ms"))
    for key, what, floor in (("votes", "poll votes", 5000), ("creations", "article creations", 1000)):
        if key in res:
            w = res[key]
            out.append((f"{what} >= {floor:,}/s, count exact", w["per_s"] >= floor and w["exact"],
                        f"{w['per_s']:.0f}/s, {w['created']} x 201, server counts {w['stored']}"
                        + ("" if w["exact"] else f", unanswered {w['unanswered']}")))
            # "Peak RSS under load" covers the writes too, not only the reads.
            peak = w.get("peak_rss")
            out.append((f"peak RSS <= 64 MiB during {what}", None if peak is None else peak <= 64 * MIB, mib(peak)))
    if "logins" in res:
        g = res["logins"]["growth"]
        out.append(("RSS growth over 4 sign-ins (2 failed) <= 8 MiB", None if g is None else g <= 8 * MIB, mib(g)))
    if "postgres" in res:
        reads("postgres", "PostgreSQL: ")
        if "postgres_start" in res:
            s = res["postgres_start"]
            out.append(("PostgreSQL: idle RSS <= 20 MiB", s["idle_rss"] <= 20 * MIB, mib(s["idle_rss"])))
            out.append(("PostgreSQL: start-up <= 200 ms", s["startup_ms"] <= 200, f"{s['startup_ms']:.0f} ms"))
    if "scale_out" in res:
        so = res["scale_out"]
        out.append(("two instances on one PostgreSQL, one wrk each on (a): combined req/s (reported), no non-2xx, "
                    "no socket errors", so["errors"] == 0,
                    f"{so['a_rps']:.0f} + {so['b_rps']:.0f} = {so['combined_rps']:.0f} req/s, "
                    f"{so['ratio']:.2f}x one instance under the same load ({so['single_rps']:.0f}); "
                    f"errors {so['errors']}"))
        limit = so["sync_ms"] + SYNC_ALLOWANCE_MS
        changes = so["changes"]
        stale = sum(1 for c in changes if c["stale"])
        out.append((f"a change through one instance is served by the other within the sync window "
                    f"({so['sync_ms']} ms + {SYNC_ALLOWANCE_MS} ms)",
                    so["max_delay_ms"] is not None and so["max_delay_ms"] <= limit,
                    f"max {fmt(so['max_delay_ms'])} ms, median {fmt(so['median_delay_ms'])} ms over {len(changes)} "
                    "changes; " + (f"stale right after the change in {stale} of {len(changes)}" if stale
                                   else "no stale read observed")))
        own = sum(1 for c in changes if c["own"])
        out.append(("the instance that made a change serves it at once", own == len(changes),
                    f"{own} of {len(changes)} changes"))
    if "cache_modes" in res:
        off, tail = res["cache_modes"]["off"], res["cache_modes"]["tail"]
        for key in ("z", "a"):
            out.append((f"{LABELS[key]}: a cache of a tenth of the archive >= no cache (ratios to /healthz)",
                        tail[key]["ratio"] >= off[key]["ratio"],
                        f"{tail[key]['ratio']:.2f} vs {off[key]['ratio']:.2f}"))
        r = off["b"]["rps"] / off["a"]["rps"]
        out.append(("no cache: (b) section front >= 0.8 of (a) article", r >= 0.8,
                    f"{off['b']['rps']:.0f} / {off['a']['rps']:.0f} = {r:.2f}"))
        out.append(("no cache: (a) article >= 0.2 of /healthz", off["a"]["ratio"] >= 0.2, f"{off['a']['ratio']:.2f}"))
    if "db_size" in res:
        b = res["db_size"]["bytes"]
        out.append((f"news-read-v1 SQLite file <= {DB_SIZE_TARGET / 1e6:.0f} MB", b <= DB_SIZE_TARGET,
                    f"{b / 1e6:.1f} MB"))
    for tag, name in (("million_search", ""), ("million_pg_search", "PostgreSQL: ")):
        if tag in res:
            p = res[tag]["all"]["p99_ms"]
            out.append((f"{name}1M articles: search q= p99 < 50 ms", p < 50, f"{p:.1f} ms"))
    if "million_sitemaps" in res:
        sm = res["million_sitemaps"]
        out.append((f"1M articles: every sitemap page streamed, peak RSS <= {PEAK_RSS_SITEMAPS_MIB} MiB",
                    sm["peak_rss"] is not None and sm["peak_rss"] <= PEAK_RSS_SITEMAPS_MIB * 2**20,
                    f"{mib(sm['peak_rss'])} ({sm['pages']} pages, {sm['urls']} URLs)"))
    if "million" in res and "sqlite" in res:
        for key in ("a", "b"):
            r = res["million"][key]["rps"] / res["sqlite"][key]["rps"]
            out.append((f"1M articles: {LABELS[key]} >= 80% of its 10k throughput", r >= 0.80,
                        f"{res['million'][key]['rps']:.0f} / {res['sqlite'][key]['rps']:.0f} = {r:.2f}"))
    return out


def cache_mode_lines(res: dict) -> list[str]:
    modes = res.get("cache_modes")
    if not modes:
        return []
    lines = [f"**The public cache: none, and {LONG_TAIL_MB} MiB (a tenth of the 10,000 answers)** (SQLite, fresh "
             "servers; ratios to the /healthz of the same server)", "",
             "| cache | request | req/s | ratio to /healthz | p99 ms | cache hits | non-2xx |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for mode, name in (("off", "off"), ("tail", f"{LONG_TAIL_MB} MiB")):
        for key, m in modes[mode].items():
            hits = m.get("hit_ratio")
            lines.append(f"| {name} | {LABELS[key]} | {fmt(m['rps'])} | {fmt(m['ratio'], '.2f')} | "
                         f"{fmt(m['p99_ms'], '.2f')} | {'n/a' if hits is None else f'{hits:.0%}'} | "
                         f"{m['non2xx'] + m['socket_errors']} |")
    lines.append("")
    return lines


def scale_out_lines(res: dict, meta: dict) -> list[str]:
    so = res.get("scale_out")
    if not so:
        return []
    lines = [f"**Scale-out: two instances on one PostgreSQL** ((a) article by slug; each wrk -t1 -c{SCALE_CONNECTIONS} "
             f"-d{meta['duration']:g}s after {meta['warmup']:g} s warm-up, two at a time; medians of {so['runs']} "
             f"run(s); the servers, PostgreSQL and both wrk share one machine, {meta['machine'].split(',')[0]})", "",
             "| setup | req/s | p99 ms |", "|---|---:|---:|",
             f"| one instance (A) under both wrk | {so['single_rps']:.0f} | {so['single_p99_ms']:.2f} |",
             f"| two instances: A | {so['a_rps']:.0f} | {so['a_p99_ms']:.2f} |",
             f"| two instances: B | {so['b_rps']:.0f} | {so['b_p99_ms']:.2f} |",
             f"| two instances: combined (each run: {', '.join(f'{v:.0f}' for v in so['each_combined'])}) | "
             f"{so['combined_rps']:.0f} ({so['ratio']:.2f}x one instance) | |",
             "", f"non-2xx and socket errors, all runs: {so['errors']}", "",
             f"**Sync window** (`MASTHEAD_PUBLIC_CACHE_SYNC_MS` = {so['sync_ms']} ms): headline changed through A's "
             f"editorial API, the article served twice by A and by B just before; B polled every "
             f"{SYNC_POLL_S * 1000:g} ms from the PATCH's answer", "",
             "| article | A serves it at once | B's stale answers after the PATCH | B's first new answer |",
             "|---|---|---:|---:|"]
    for c in so["changes"]:
        lines.append(f"| {c['slug']} | {'yes' if c['own'] else 'NO'} | {c['stale']} | "
                     + ("never" if c["delay_ms"] is None else f"{c['delay_ms']:.0f} ms") + " |")
    lines.append("")
    return lines


def media_lines(res: dict) -> list[str]:
    """The media library's measures and its two targets, for each store measured."""
    lines = []
    for tag in ("media", "media_s3"):
        m = res.get(tag)
        if not m:
            continue
        u, r = m["uploads"], m.get("rendition")
        rss_ok = u["peak_rss"] is not None and max(u["peak_rss"], u["vm_hwm"] or 0) <= MEDIA_RSS_TARGET
        lines += [
            f"**Media library, store: {m['store']}** (docs/media.md; its own targets, reported, not issue 8's)",
            "",
            "| measure | value | target | |",
            "|---|---|---|---|",
            f"| {u['n']} concurrent uploads, 6000x4000 JPEGs of {u['mean_bytes'] / MIB:.1f} MiB, as an editor | "
            f"{', '.join(f'{n} x {s}' for s, n in sorted(u['statuses'].items()))} ({u['distinct_assets']} distinct "
            f"assets; {u['retries_503']} retries after 503) in {u['wall_s']:.1f} s; each {u['median_s']:.1f} s median, "
            f"{u['max_s']:.1f} s max | | |",
            f"| server's peak RSS during the uploads: sampled every 50 ms / VmHWM | {mib(u['peak_rss'])} / "
            f"{mib(u['vm_hwm'])} (before {mib(u['rss_before'])}, 2 s after {mib(u['rss_after'])}) | "
            f"<= {MEDIA_RSS_TARGET // MIB} MiB | {verdict(rss_ok if u['peak_rss'] is not None else None)} |",
        ]
        if r:
            lines += [
                f"| `{RENDITION}` of one upload: first request (makes it), then one served | {r['made_ms']:.0f} ms, "
                f"then {r['served_ms']:.1f} ms ({r['bytes']} bytes, {r['image']}) | | |",
                f"| `{RENDITION}` served under wrk: req/s, ratio to /healthz in the same run (median) | "
                f"{r['rps']:.0f} / {r['healthz_rps']:.0f} = {r['ratio']:.2f} "
                f"({', '.join(f'{v:.2f}' for v in r['each_ratio'])}); p99 {r['p99_ms']:.2f} ms; non-2xx and socket "
                f"errors {r['errors']}; peak RSS {mib(r['peak_rss'])} | >= {MEDIA_RATIO_TARGET:.2f} | "
                f"{verdict(r['ratio'] >= MEDIA_RATIO_TARGET)} |",
            ]
        lines.append("")
    return lines


def report(res: dict, meta: dict) -> str:
    lines = [f"## Masthead benchmark ({meta['started']})", ""]
    if meta.get("note"):
        lines += [f"**{meta['note']}**", ""]
    if "sqlite" in res:
        lines += read_table(f"news-read-v1 on SQLite, 10,000 articles: medians of {meta['runs']} run(s)", res["sqlite"])
        lines.append("")
    if "postgres" in res:
        lines += read_table(f"news-read-v1 on PostgreSQL, 10,000 articles: medians of {meta['runs']} run(s)",
                            res["postgres"])
        lines.append("")
    if "million" in res:
        lines += read_table(f"1,000,000 articles on SQLite: medians of {meta['runs']} run(s)", res["million"],
                            res.get("sqlite"))
        lines.append("")
    lines += scale_out_lines(res, meta)
    lines += cache_mode_lines(res)
    lines += media_lines(res)
    lines += ["| measure | value |", "|---|---|"]
    if "sqlite" in res:
        peak = max(m["peak_rss"] for m in res["sqlite"].values())
        lines.append(f"| peak RSS during the reads (SQLite) | {mib(peak)} |")
    for tag, name in (("sqlite_start", "SQLite"), ("postgres_start", "PostgreSQL"), ("million_start", "SQLite 1M")):
        if tag in res:
            s = res[tag]
            lines.append(f"| idle RSS 5 s after start, median of {len(s['idle_all'])} ({name}) | {mib(s['idle_rss'])} "
                         f"({', '.join(mib(v) for v in s['idle_all'])}) |")
            lines.append(f"| start-up, spawn to first 2xx on /healthz, median of {len(s['startup_all'])} ({name}) | "
                         f"{s['startup_ms']:.0f} ms ({', '.join(f'{v:.0f}' for v in s['startup_all'])}) |")
    for key, name in (("votes", "poll votes/s"), ("creations", "article creations/s")):
        if key in res:
            w = res[key]
            lines.append(
                f"| {name} ({w['seconds']:g} s, {WRK_THREADS} threads, {WRK_CONNECTIONS} connections) | "
                f"{w['per_s']:.0f} ({w['created']} x 201, server counts {w['stored']}: "
                f"{'exact' if w['exact'] else 'MISMATCH'}; failed {w['failed']}"
                + (f", unanswered {w['unanswered']}" if w["unanswered"] else "")
                + f"; peak RSS {mib(w['peak_rss'])}) |"
            )
    if "db_size" in res:
        d = res["db_size"]
        parts = ", ".join(f"{k} {v / 1e6:.1f}" for k, v in d.get("parts", {}).items() if v >= 100_000)
        lines.append(f"| news-read-v1 SQLite file after loading (WAL checkpointed) | {d['bytes'] / 1e6:.1f} MB "
                     f"({mib(d['bytes'])}); by table with its indexes, MB: {parts or d.get('parts_error', 'n/a')}; "
                     f"free pages {d.get('free_pages', 'n/a')} |")
    for tag, name in (("million_search", "SQLite"), ("million_pg_search", "PostgreSQL")):
        if tag in res:
            a = res[tag]["all"]
            kinds = "; ".join(f"{k} {v['p50_ms']:.1f}/{v['p99_ms']:.1f}" for k, v in res[tag].items() if k != "all")
            lines.append(f"| search q= at 1,000,000 articles ({name}), {a['count']} sequential requests: "
                         f"p50 / p99 | {a['p50_ms']:.1f} ms / {a['p99_ms']:.1f} ms (max {a['max_ms']:.1f}; {kinds}) |")
    if "load_seconds" in meta:
        lines.append(f"| loading 10,000 articles through the API ({LOAD_THREADS} threads) | {meta['load_seconds']:.1f} s |")
    lines += [
        f"| machine | {meta['machine']} |",
        f"| load average at start / end | {meta['load_start']} / {meta.get('load_end', 'n/a')} |",
        f"| logging | {meta['logging']}, access log off |",
        f"| server | {meta['binary']} |",
    ]
    if meta.get("media"):
        lines.append(f"| media library | {meta['media']} |")
    if "sqlite" in res or "postgres" in res or "million" in res:
        lines.append(f"| requests | (a) {READS[1][1]}, (b) {READS[2][1]}, (c) {meta.get('c_path')}, (s) {READS[4][1]} "
                     "(metered, with a poll showing results and a sponsored block; the meter on) |")
    lines += [
        f"| wrk | -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{meta['duration']:g}s --latency --timeout 10s, "
        f"warm-up {meta['warmup']:g} s |",
    ]
    rows = targets(res)
    if rows:
        lines += ["", "**Targets**", "", "| target | measured | |", "|---|---|---|"]
        lines += [f"| {name} | {measured} | {verdict(ok)} |" for name, ok, measured in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=None, help="read measurements per request (default 3; 1 with --quick)")
    ap.add_argument("--postgres", action="store_true", help="also the read workload on a throwaway PostgreSQL")
    ap.add_argument("--million", action="store_true", help="also (a) and (b) at 1,000,000 articles on SQLite")
    ap.add_argument("--quick", action="store_true", help="short runs for development: 1 s warm-up, 3 s measurements")
    ap.add_argument("--no-writes", action="store_true", help="skip the poll-vote and article-creation measurements")
    ap.add_argument("--scale-out", action="store_true",
                    help="also two instances on the PostgreSQL database: throughput and the sync window (implies "
                    "--postgres)")
    ap.add_argument("--only", choices=["reads", "media", "scale-out"],
                    help="reads: everything but the media library; media: only the media library; scale-out: only "
                    "loading PostgreSQL and --scale-out")
    ap.add_argument("--no-media", action="store_true", help="skip the media library's uploads and rendition")
    ap.add_argument("--no-long-tail", action="store_true",
                    help="skip the reads with no public cache and with one smaller than the archive")
    ap.add_argument("--media-s3", action="store_true",
                    help="also the media library with its store on a throwaway S3 (moto)")
    args = ap.parse_args()
    if args.only == "media" and (args.postgres or args.million or args.scale_out):
        ap.error("--postgres, --million and --scale-out measure the reads: not with --only media")
    if args.only == "scale-out" and args.million:
        ap.error("--million is not with --only scale-out")
    scale_out = args.scale_out or args.only == "scale-out"
    args.postgres = args.postgres or scale_out
    do_reads = args.only != "media"
    # --only scale-out: PostgreSQL is loaded and checked, then only the two instances.
    do_sqlite = do_reads and args.only != "scale-out"
    measure_single = args.only != "scale-out"
    long_tail = not args.no_long_tail
    do_media = args.only not in ("reads", "scale-out") and not args.no_media
    runs = args.runs or (1 if args.quick else 3)
    warmup, duration, write_seconds = (1, 3, 3) if args.quick else (5, 15, 10)

    started = datetime.now(timezone.utc)
    out_dir = ROOT / "target" / "bench" / started.strftime("%Y%m%dT%H%M%SZ")
    # The dataset, the databases and the id map; BENCH_WORK puts them elsewhere (the
    # million-article database takes about 20 GB).
    work = Path(os.environ.get("BENCH_WORK") or ROOT / "target" / "bench" / "work").resolve()
    global OUT
    OUT = Out(out_dir)
    latest = ROOT / "target" / "bench" / "latest"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(out_dir.name)
    except OSError:
        pass
    t_start = time.time()
    meta = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"), "runs": runs, "warmup": warmup, "duration": duration,
        "machine": machine(), "load_start": loadavg(), "logging": logging_level(),
    }
    say(f"Masthead benchmark, raw output in {out_dir}")
    say(f"machine: {meta['machine']}; load average {meta['load_start']}")
    res: dict = {}
    pg = Postgres()
    s3 = S3()
    servers: list[Server] = []

    def on_signal(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    status = 0
    try:
        ensure_wrk()
        binary = build_binary()
        meta["binary"] = str(binary)
        dataset = make_dataset(work / "news-read-v1") if do_reads else None
        keys = [k for k, _, _ in READS]

        def backend(tag: str, db_url: str, name: str, writes: bool):
            say(f"== {name}: load 10,000 articles through the API")
            server = Server(binary, db_url, tag)
            servers.append(server)
            server.start()
            idmap = work / f"idmap-{tag}.txt"
            seconds = load_through_api(server.port, dataset, idmap)
            if tag == "sqlite":
                meta["load_seconds"] = seconds
            ids = idmap.read_text().split()
            c_path = check_dataset(server.port, dataset, ids, True, N_ARTICLES)
            meta["c_path"] = c_path
            if tag == "sqlite":
                res["db_size"] = db_size(Path(db_url.removeprefix("sqlite://")))
                say(f"   database file: {res['db_size']['bytes'] / 1e6:.1f} MB")
            make_seeds_page(server.port, dataset)
            if measure_single:
                say(f"== {name}: start-up and idle RSS (3 restarts on the loaded database)")
                res[f"{tag}_start"] = restarts(server)
                say(f"== {name}: reads, {runs} run(s) of {duration:g} s per request after {warmup:g} s warm-up")
                res[tag] = medians(measure_reads(server, tag, keys, runs, warmup, duration, idmap, c_path))
            if writes:
                say(f"== {name}: writes, {write_seconds:g} s each")
                res["votes"] = measure_votes(server, write_seconds)
                res["creations"] = measure_creations(server, dataset, write_seconds)
            server.stop()
            if tag == "sqlite" and long_tail:
                say(f"== {name}: no public cache, and a cache of {LONG_TAIL_MB} MiB (a tenth of the archive)")
                res["cache_modes"] = measure_cache_modes(binary, db_url, runs, warmup, duration)
            if tag == "postgres" and scale_out:
                say(f"== {name}: scale-out, two instances on this database: (a) with one wrk each, "
                    f"{runs} run(s) of {duration:g} s after {warmup:g} s warm-up, then the sync window")
                res["scale_out"] = measure_scale_out(binary, db_url, ids, runs, warmup, duration)

        if do_sqlite:
            db = work / "read.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            backend("sqlite", f"sqlite://{db}", "SQLite", not args.no_writes)

            say("== SQLite: memory given back after sign-ins (a fresh server)")
            res["logins"] = measure_login_growth(binary, work)

        if do_media:
            say(f"== media library (local directory): {MEDIA_UPLOADS} concurrent uploads, then {RENDITION} under wrk")
            media = measure_media(binary, work, "media", runs, warmup, duration)
            if media:
                res["media"] = media
            else:
                meta["media"] = "skipped: the server has no /api/v1/media"
            if args.media_s3 and media:
                say(f"== media library (S3: moto on 127.0.0.1:{S3_PORT}): the same")
                store_env = s3.start()
                res["media_s3"] = measure_media(binary, work, "media-s3", runs, warmup, duration, store_env)
                s3.stop()

        if args.postgres:
            say(f"== PostgreSQL: throwaway server on 127.0.0.1:{PG_PORT}")
            url = pg.start()
            backend("postgres", url, "PostgreSQL", False)
            pg.stop()

        if args.million:
            say("== 1,000,000 articles on SQLite")
            mdb = million_db(binary, work)
            server = Server(binary, f"sqlite://{mdb}", "million")
            servers.append(server)
            ms = server.start()
            say(f"   started in {ms:.0f} ms")
            check_dataset(server.port, dataset, None, False, MILLION)
            res["million_start"] = restarts(server)
            say(f"== 1M: reads (a) and (b), {runs} run(s)")
            res["million"] = medians(measure_reads(server, "million", ["a", "b"], runs, warmup, duration, None))
            server.stop()
            say(f"== 1M: search latency (bench/search.py, {SEARCH_ROUNDS} rounds, response cache off)")
            server = Server(binary, f"sqlite://{mdb}", "million-search", NO_CACHE)
            servers.append(server)
            server.start()
            res["million_search"] = measure_search(server.port, MILLION, SEARCH_ROUNDS)
            server.stop()
            say("== 1M: every sitemap page, read in turn by one client (a fresh server)")
            server = Server(binary, f"sqlite://{mdb}", "million-sitemaps")
            servers.append(server)
            server.start()
            sm = res["million_sitemaps"] = measure_sitemaps(server)
            say(f"   {sm['pages']} pages, {sm['urls']} URLs, {sm['bytes'] / 1e6:.0f} MB in {sm['seconds']:.1f} s; "
                f"server peak RSS (VmHWM) {mib(sm['peak_rss'])}")
            server.stop()
            if args.postgres:
                say(f"== 1M on PostgreSQL (127.0.0.1:{PG_PORT}): copy the SQLite rows, then search latency")
                url = pg.start()
                subprocess.run([str(binary), "migrate", "--database-url", url], check=True,
                               env=server_env(url, 0), stdout=subprocess.DEVNULL)
                t0 = time.time()
                proc = spawn([str(bench_python()), str(BENCH / "million.py"), "--postgres", url, str(mdb)])
                if proc.wait() != 0:
                    raise CannotMeasure("bench/million.py --postgres failed")
                STARTED.remove(proc)
                say(f"   copied in {time.time() - t0:.0f} s")
                server = Server(binary, url, "million-postgres", NO_CACHE)
                servers.append(server)
                server.start()
                res["million_pg_search"] = measure_search(server.port, MILLION, SEARCH_ROUNDS)
                server.stop()
                pg.stop()
    except (KeyboardInterrupt, Interrupted) as e:
        say(f"interrupted ({str(e) or 'SIGINT'}); stopping everything")
        meta["note"] = "INTERRUPTED: partial results"
        status = 130
    except CannotMeasure as e:
        say(f"could not measure: {e}")
        meta["note"] = f"STOPPED EARLY (could not measure: {str(e).splitlines()[0]}): partial results"
        status = 1
    except Exception:
        say(traceback.format_exc())
        meta["note"] = "STOPPED EARLY (unexpected error, see above): partial results"
        status = 1
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        for server in servers:
            server.stop()
        stop_all()
        pg.stop()
        s3.stop()

    meta["load_end"] = loadavg()
    meta.setdefault("binary", "n/a")
    if res:
        text = report(res, meta)
        say("")
        say(text)
        OUT.raw("report.md", text + "\n")
    OUT.raw("results.json", json.dumps({"meta": meta, "results": res}, indent=1, default=str))
    say("")
    say(f"took {time.time() - t_start:.0f} s; raw output in {out_dir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
