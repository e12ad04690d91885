#!/usr/bin/env python3
"""Bulk-loads news-read-v1 articles n = 1..N straight into a migrated SQLite Masthead
database, for `bench/run --million` (a million articles through the API would take
hours). Python 3.11, stdlib only.

    masthead migrate --database-url sqlite://DB_PATH
    python3 bench/million.py DB_PATH N

Articles follow gen.py's rules for every n (gen.py only stops at 10,000): per-article
seed n, slug article-%05d, headline, standfirst, a 5,000-byte body, section
((n-1) mod 10)+1, published_at 2026-01-01T00:00:00Z + n minutes. The rows are what the
API would have written for the harness's loader (create with the dataset's slug,
headline, standfirst, section and one paragraph block per blank-line-separated
paragraph, then publish with publish_at = published_at):

- articles: body = the blocks as compact JSON, body_text = the paragraphs joined by
  "\\n", tags '[]', access free, version 2; status published with first_published_at
  = publish_at, or scheduled (first_published_at NULL) when publish_at is still in the
  future: from n of about 480,000 on, published_at lies after late 2026, and the API
  schedules a future publish (it goes live by itself at that instant);
- article_authors: one writer; article_feed (the live index): '' and the section;
- articles_fts / search_id: what the articles_fts_insert trigger writes (search_id =
  1, 2, ... in insertion order), written directly with the trigger dropped during the
  load and recreated from its stored SQL afterwards (the trigger's per-row UPDATE
  would rewrite every 10 kB row once more);
- not written: revisions (one per save through the API); reads never touch them.
"""
import importlib.util
import json
import multiprocessing
import os
import random
import sqlite3
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

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
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_fts_insert'"
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
    sections = {}
    for i, name in enumerate(gen.SECTIONS, 1):
        sid = uuid7(base_ms, -i)
        db.execute(
            "INSERT INTO sections (id, slug, name, description, parent_id, position, created_at, updated_at, version) "
            "VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, 1)",
            (sid, name.lower(), name, i, now, now),
        )
        sections[i] = sid
    db.execute("DROP TRIGGER articles_fts_insert")
    db.execute("COMMIT")

    t0 = time.time()
    bounds = [(lo, min(lo + CHUNK, total + 1)) for lo in range(1, total + 1, CHUNK)]
    with multiprocessing.Pool(max(1, os.cpu_count() or 1)) as pool:
        db.execute("BEGIN")
        for i, arts in enumerate(pool.imap(chunk, bounds), 1):
            rows, authors, feed, fts = [], [], [], []
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
                    aid, a["slug"], a["headline"], a["standfirst"], body, "\n".join(paras), sec, user,
                    "published" if live else "scheduled", at, at if live else None, created, created, n,
                ))
                authors.append((aid, user))
                feed += [("", at, aid), (sec, at, aid)]
                fts.append((n, a["headline"], a["standfirst"], "\n".join(paras)))
            db.executemany(
                "INSERT INTO articles (id, slug, headline, standfirst, dateline, kicker, hero_image, body, body_text, "
                "section_id, created_by, tags, access, preview_blocks, seo, status, publish_at, first_published_at, "
                "created_at, updated_at, trashed_at, trashed_status, version, search_id) "
                "VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?, '[]', 'free', NULL, NULL, ?, ?, ?, ?, ?, NULL, NULL, 2, ?)",
                rows,
            )
            db.executemany("INSERT INTO article_authors (article_id, user_id, position) VALUES (?, ?, 0)", authors)
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


if __name__ == "__main__":
    main()
