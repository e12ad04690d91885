#!/usr/bin/env python3
"""Bulk-loads N published articles into a migrated SQLite Masthead database, for
measuring how lookups scale (not a way to create content: the API is).

    python3 bench/seed_articles.py DB_PATH N

Run `masthead migrate --database-url sqlite://DB_PATH` first. Creates 10 sections
(Business holds Markets), one author, and N live articles spread over them, with
their authors, tags and live-index (article_feed) rows; the FTS triggers fire as usual.
"""
import json
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta, timezone

def ts(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f")

def main():
    path, n = sys.argv[1], int(sys.argv[2])
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    user = str(uuid.uuid4())
    db.execute(
        "INSERT INTO users (id, email, display_name, role, active, password_hash, token_generation, created_at, updated_at) "
        "VALUES (?, ?, 'Bench Writer', 'writer', 1, 'x', 0, ?, ?)",
        (user, f"bench-{user[:8]}@example.org", ts(now), ts(now)),
    )
    db.execute(
        "INSERT INTO authors (id, slug, name, user_id, created_at, updated_at, version) VALUES (?, ?, 'Bench Writer', ?, ?, ?, 1)",
        (user, f"bench-writer-{user[:8]}", user, ts(now), ts(now)),
    )
    names = ["business", "markets", "politics", "asia", "europe", "americas", "technology", "science", "sport", "opinion"]
    sections = {}
    for i, name in enumerate(names):
        sid = str(uuid.uuid4())
        parent = sections.get("business") if name == "markets" else None
        db.execute(
            "INSERT INTO sections (id, slug, name, description, parent_id, position, created_at, updated_at, version) "
            "VALUES (?, ?, ?, NULL, ?, ?, ?, ?, 1)",
            (sid, f"{name}-{user[:6]}", name.title(), parent, i, ts(now), ts(now)),
        )
        sections[name] = sid
    paragraph = "Officials said the details would be settled in the coming weeks. " * 8
    body = json.dumps([{"type": "paragraph", "text": paragraph}, {"type": "heading", "text": "Next", "level": 2},
                       {"type": "paragraph", "text": paragraph}])
    body_text = paragraph + "\nNext\n" + paragraph
    batch = []
    def flush():
        db.executemany(
            "INSERT INTO articles (id, slug, headline, standfirst, dateline, kicker, hero_image, body, body_text, section_id, "
            "created_by, tags, access, preview_blocks, seo, status, publish_at, first_published_at, created_at, updated_at, "
            "trashed_at, trashed_status, version) VALUES (?, ?, ?, 'A standfirst', 'TOKYO', NULL, NULL, ?, ?, ?, ?, '[]', "
            "'free', NULL, NULL, 'published', ?, ?, ?, ?, NULL, NULL, 1)",
            [(a, slug, head, body, body_text, sec, user, at, at, at, at) for (a, slug, head, sec, at, _) in batch],
        )
        db.executemany("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, 0)", [(b[0], user) for b in batch])
        feed = []
        for (a, _, _, sec, at, name) in batch:
            feed.append(("", at, a))
            feed.append((sec, at, a))
            if name == "markets":
                feed.append((sections["business"], at, a))
        db.executemany("INSERT INTO article_feed (feed, publish_at, article_id) VALUES (?, ?, ?)", feed)
        batch.clear()
    for i in range(n):
        name = names[i % len(names)]
        at = ts(now - timedelta(seconds=(n - i) * 7))
        aid = str(uuid.uuid4())
        batch.append((aid, f"bench-{user[:6]}-{i}", f"Bench article {i}", sections[name], at, name))
        if len(batch) >= 5000:
            flush()
        if i and i % 100000 == 0:
            db.commit()
            print(f"{i} articles", file=sys.stderr)
    flush()
    db.commit()
    print(json.dumps({"sections": {k: f"{k}-{user[:6]}" for k in names}, "sample_slug": f"bench-{user[:6]}-{n // 2}"}))

main()
