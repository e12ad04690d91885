#!/usr/bin/env python3
"""Bulk-loads news-read-v1 articles n = 1..N straight into a migrated SQLite Masthead
database, for `bench/run --million` (a million articles through the API would take
hours). Python 3.11, stdlib only.

    masthead migrate --database-url sqlite://DB_PATH
    python3 bench/million.py DB_PATH N
    python3 bench/million.py --postgres URL DB_PATH    # copy DB_PATH's articles into a
                                                       # migrated PostgreSQL database

The search index is a contentless FTS5 table with `contentless_delete=1`, which needs
SQLite 3.43 or newer: when the stdlib's sqlite3 is older, the `pysqlite3` module
(pysqlite3-binary, in bench/requirements.txt; bench/run runs this with the python of
target/bench-venv) is used instead.

Articles follow gen.py's rules for every n (gen.py only stops at 10,000): per-article
seed n, slug article-%05d, headline, standfirst, a 5,000-byte body, section
((n-1) mod 10)+1, published_at 2026-01-01T00:00:00Z + n minutes. The rows are what the
API would have written for the harness's loader (create with the dataset's slug,
headline, standfirst, section and one paragraph block per blank-line-separated
paragraph, then publish with publish_at = published_at):

- articles: body = the blocks as compact JSON, tags '[]', access free, version 2; status published with first_published_at
  = publish_at, or scheduled (first_published_at NULL) when publish_at is still in the
  future: from n of about 480,000 on, published_at lies after late 2026, and the API
  schedules a future publish (it goes live by itself at that instant);
- authors: the writer's own (with the writer's id); article_authors: that author; article_feed (the live index): '' and the section;
- search_id: what the articles_search_id trigger writes (1, 2, ... in insertion
  order), written directly with the trigger dropped during the load and recreated from
  its stored SQL afterwards (the trigger's per-row UPDATE would rewrite every row once
  more); articles_fts: what the server indexes, headline, standfirst and the
  paragraphs joined by "\\n", under rowid search_id;
- article_revisions: revision 1, "created", whose snapshot is NULL (the article's
  current content, as the server stores the newest revision).

With --postgres, the same rows are copied from the SQLite file into PostgreSQL, with
search_vector computed as the server computes it (headline, standfirst and body text).
"""
import csv
import importlib.util
import json
import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

if sqlite3.sqlite_version_info < (3, 43, 0):
    try:
        from pysqlite3 import dbapi2 as sqlite3  # noqa: F811 (a newer SQLite than the stdlib's)
    except ImportError:
        sys.exit(f"SQLite {sqlite3.sqlite_version} is too old for contentless_delete (3.43+): "
                 "pip install pysqlite3-binary (bench/requirements.txt)")

GEN = Path(__file__).resolve().parent / "workload" / "gen.py"
CHUNK = 1000


def load_gen():
    spec = importlib.util.spec_from_file_location("news_read_gen", GEN)
    gen = importlib.util.module_from_spec(spec)
    argv, sys.argv = sys.argv, sys.argv[:1]  # gen.py reads OUT_DIR from argv at import
    try:
        spec.loader.exec_module(gen)
    finally:
        sys.argv = argv
    return gen


gen = load_gen()


def article(n: int) -> dict:
    """Article n exactly as gen.py writes it (gen.py's main loop, for any n)."""
    rng = random.Random(n)
    sec = (n - 1) % len(gen.SECTIONS)
    return {
        "id": n,
        "slug": f"article-{n:05d}",
        "headline": f"{gen.sentence(rng, 6, 10)[:-1]} ({n})",
        "standfirst": gen.sentence(rng, 20, 30),
        "body": gen.text_of_exact_len(rng, gen.BODY_BYTES),
        "section_id": sec + 1,
        "section_slug": gen.SECTIONS[sec].lower(),
        "status": "published",
        "published_at": (gen.EPOCH + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def chunk(bounds):
    lo, hi = bounds
    return [article(n) for n in range(lo, hi)]


def uuid7(ms: int, n: int) -> str:
    """A UUIDv7 (what the server makes) for creation time `ms`, random bits from n."""
    bits = random.Random(-n).getrandbits(74)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (bits >> 62) << 64 | 0b10 << 62 | (bits & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def db_time(dt: datetime) -> str:
    """A time as diesel stores a NaiveDateTime in SQLite: chrono's "%F %T%.f", whose
    fraction has 0, 3 or 6 digits (9 for nanoseconds, which Masthead never keeps)."""
    s = dt.strftime("%Y-%m-%d %H:%M:%S")
    us = dt.microsecond
    if us == 0:
        return s
    return s + (f".{us // 1000:03d}" if us % 1000 == 0 else f".{us:06d}")


def main():
    path, total = sys.argv[1], int(sys.argv[2])
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")
    db.execute("PRAGMA foreign_keys=ON")
    if db.execute("SELECT count(*) FROM articles").fetchone()[0]:
        sys.exit(f"{path} already holds articles; start from a freshly migrated file")
    (trigger_sql,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_search_id'"
    ).fetchone()

    now_dt = datetime.now(timezone.utc).replace(tzinfo=None)
    now = db_time(now_dt)
    base_ms = int(time.time() * 1000) - total  # creation times 1 ms apart, ending now
    db.execute("BEGIN")
    user = uuid7(base_ms, 0)
    db.execute(
        "INSERT INTO users (id, email, display_name, role, active, password_hash, token_generation, created_at, "
        "updated_at) VALUES (?, 'bench-loader@example.org', 'Bench Loader', 'writer', 1, 'x', 0, ?, ?)",
        (user, now, now),
    )
    # Bylines name authors: the writer's own, with the writer's id (as the server makes it).
    db.execute(
        "INSERT INTO authors (id, slug, name, user_id, created_at, updated_at, version) "
        "VALUES (?, 'bench-loader', 'Bench Loader', ?, ?, ?, 1)",
        (user, user, now, now),
    )
    sections = {}
    for i, name in enumerate(gen.SECTIONS, 1):
        sid = uuid7(base_ms, -i)
        db.execute(
            "INSERT INTO sections (id, slug, name, description, parent_id, position, created_at, updated_at, version) "
            "VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, 1)",
            (sid, name.lower(), name, i, now, now),
        )
        sections[i] = sid
    db.execute("DROP TRIGGER articles_search_id")
    db.execute("COMMIT")

    t0 = time.time()
    bounds = [(lo, min(lo + CHUNK, total + 1)) for lo in range(1, total + 1, CHUNK)]
    with multiprocessing.Pool(max(1, os.cpu_count() or 1)) as pool:
        db.execute("BEGIN")
        for i, arts in enumerate(pool.imap(chunk, bounds), 1):
            rows, authors, feed, fts, revisions = [], [], [], [], []
            for a in arts:
                n = a["id"]
                aid = uuid7(base_ms + n, n)
                paras = a["body"].split("\n\n")
                body = json.dumps([{"type": "paragraph", "text": p} for p in paras], separators=(",", ":"))
                at_dt = datetime.strptime(a["published_at"], "%Y-%m-%dT%H:%M:%SZ")
                at = db_time(at_dt)
                live = at_dt <= now_dt
                sec = sections[a["section_id"]]
                created = db_time(now_dt - timedelta(milliseconds=total - n))
                rows.append((
                    aid, a["slug"], a["headline"], a["standfirst"], body, sec, user,
                    "published" if live else "scheduled", at, at if live else None, created, created, n,
                ))
                authors.append((aid, user))
                revisions.append((aid, created, user))
                feed += [("", at, aid), (sec, at, aid)]
                fts.append((n, a["headline"], a["standfirst"], "\n".join(paras)))
            db.executemany(
                "INSERT INTO articles (id, slug, headline, standfirst, dateline, kicker, hero_image, body, "
                "section_id, created_by, tags, access, preview_blocks, seo, status, publish_at, first_published_at, "
                "created_at, updated_at, trashed_at, trashed_status, version, search_id) "
                "VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, '[]', 'free', NULL, NULL, ?, ?, ?, ?, ?, NULL, NULL, 2, ?)",
                rows,
            )
            db.executemany("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, 0)", authors)
            db.executemany(
                "INSERT INTO article_revisions (article_id, number, article_version, created_at, created_by, note, "
                "snapshot) VALUES (?, 1, 1, ?, ?, 'created', NULL)",
                revisions,
            )
            db.executemany("INSERT INTO article_feed (feed, publish_at, article_id) VALUES (?, ?, ?)", feed)
            db.executemany(
                "INSERT INTO articles_fts (rowid, headline, standfirst, body_text) VALUES (?, ?, ?, ?)", fts
            )
            if i % 20 == 0 or i == len(bounds):
                db.execute("COMMIT")
                done = bounds[i - 1][1] - 1
                rate = done / (time.time() - t0)
                print(f"   {done} articles ({rate:.0f}/s, about {(total - done) / rate / 60:.0f} min left)",
                      file=sys.stderr, flush=True)
                if i < len(bounds):
                    db.execute("BEGIN")
    db.execute(trigger_sql)
    db.execute("PRAGMA journal_mode=WAL")
    db.close()


def copy_into(url: str, table: str, columns: list[str], rows):
    """COPY rows (tuples) into a PostgreSQL table through psql, as CSV; None is NULL."""
    cols = ", ".join(columns)
    proc = subprocess.Popen(
        ["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
         f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"],
        stdin=subprocess.PIPE, text=True,
    )
    out = csv.writer(proc.stdin)
    count = 0
    for row in rows:
        out.writerow(["\\N" if v is None else v for v in row])
        count += 1
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit(f"COPY {table} failed")
    return count


def psql(url: str, sql: str):
    subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def to_postgres(url: str, path: str):
    """Copies the bulk-loaded rows of the SQLite file `path` into the migrated, empty
    PostgreSQL database at `url`. The server's search_vector is computed in SQL from
    the headline, standfirst and body text (the paragraphs joined by "\\n"), as the
    server writes it; the GIN index is dropped during the copy and built afterwards."""
    src = sqlite3.connect(path)
    t0 = time.time()

    def columns(table):
        # search_id is SQLite's own; body_text is empty (the server keeps no plain text).
        return [r[1] for r in src.execute(f"PRAGMA table_info({table})") if r[1] not in ("search_id", "body_text")]

    for table in ("users", "authors", "sections"):
        cols = columns(table)
        copy_into(url, table, cols, src.execute(f"SELECT {', '.join(cols)} FROM {table}"))
    cols = columns("articles")
    body_at = cols.index("body")
    psql(url, "DROP INDEX IF EXISTS articles_search")
    psql(url, "CREATE UNLOGGED TABLE million_staging (LIKE articles INCLUDING DEFAULTS, plain_text TEXT NOT NULL)")

    def with_text(rows):
        for row in rows:
            text = "\n".join(b["text"] for b in json.loads(row[body_at]))
            yield (*row, text)

    n = copy_into(url, "million_staging", cols + ["plain_text"],
                  with_text(src.execute(f"SELECT {', '.join(cols)} FROM articles ORDER BY search_id")))
    print(f"   {n} articles copied ({time.time() - t0:.0f} s); computing search_vector", file=sys.stderr, flush=True)
    psql(url, f"INSERT INTO articles ({', '.join(cols)}, search_vector) SELECT {', '.join(cols)}, "
              "to_tsvector('english', headline || ' ' || coalesce(standfirst, '') || ' ' || plain_text) "
              "FROM million_staging")
    psql(url, "DROP TABLE million_staging")
    for table in ("article_authors", "article_feed", "article_revisions"):
        cols = columns(table)
        copy_into(url, table, cols, src.execute(f"SELECT {', '.join(cols)} FROM {table}"))
    print(f"   rows in ({time.time() - t0:.0f} s); building the GIN index", file=sys.stderr, flush=True)
    psql(url, "SET maintenance_work_mem = '512MB'; CREATE INDEX articles_search ON articles USING GIN (search_vector)")
    psql(url, "VACUUM ANALYZE")
    print(f"   PostgreSQL done in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--postgres":
        to_postgres(sys.argv[2], sys.argv[3])
    else:
        main()
