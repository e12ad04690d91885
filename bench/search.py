#!/usr/bin/env python3
"""Search latency: `GET /api/v1/public/articles?q=...&limit=20` over one keep-alive
connection, one request at a time, for a fixed mix of queries; prints p50, p90, p99
and max in milliseconds, overall and per kind of query. Python 3.11, stdlib only.

    python3 bench/search.py HOST:PORT [ROUNDS] [N_ARTICLES]

The news-read-v1 text draws every word from one small vocabulary, so each of its words
is in nearly every article: those are the common queries (the whole archive matches).
The rare ones are the article numbers that end each headline ("... (123456)"), which
match one article, live or still scheduled; the absent ones match nothing, alone or
next to a common word (the worst case for a search that walks the newest articles
looking for matches). Some common queries go on to their second page (the keyset
cursor), and some are narrowed to a section.
"""
import http.client
import json
import random
import sys
import time
import urllib.parse

COMMON = ["council", "market", "election", "budget", "climate energy", "police court", "prices", "elections",
          "minister", "government economy", "hospital school", "players season"]
ABSENT = ["zebra", "quantum", "council zebra", "blockchain", "market xylophone"]
SECTIONS = ["news", "politics", "business", "world", "sport", "culture", "science", "technology", "opinion", "travel"]


def queries(n_articles: int, rounds: int) -> list[tuple[str, str]]:
    """(kind, path) in a fixed order: per round, half common, a third rare, the rest
    absent, shuffled with a fixed seed."""
    rng = random.Random(22)
    out = []
    for _ in range(rounds):
        batch = []
        for w in COMMON:
            batch.append(("common", {"q": w}))
        for w in rng.sample(COMMON, 3):
            batch.append(("common+section", {"q": w, "section": rng.choice(SECTIONS)}))
        for _ in range(8):
            n = rng.randint(1, n_articles)
            batch.append(("rare", {"q": str(n)} if rng.random() < 0.6 else {"q": f"{rng.choice(COMMON)} {n}"}))
        for w in ABSENT:
            batch.append(("absent", {"q": w}))
        rng.shuffle(batch)
        out += [(kind, "/api/v1/public/articles?" + urllib.parse.urlencode(dict(p, limit=20))) for kind, p in batch]
    return out


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))]


def measure(host: str, port: int, n_articles: int, rounds: int = 10) -> dict:
    conn = http.client.HTTPConnection(host, port, timeout=60)

    def get(path):
        t = time.perf_counter()
        conn.request("GET", path)
        res = conn.getresponse()
        body = res.read()
        ms = (time.perf_counter() - t) * 1000
        if res.status != 200:
            raise RuntimeError(f"{path}: HTTP {res.status}: {body[:200]!r}")
        return ms, json.loads(body)

    for _, path in queries(n_articles, 1):  # warm-up: one round, not counted
        get(path)
    times: dict[str, list[float]] = {}
    for kind, path in queries(n_articles, rounds):
        ms, page = get(path)
        times.setdefault(kind, []).append(ms)
        if kind == "common" and page.get("next_cursor"):
            ms, _ = get(path + "&cursor=" + urllib.parse.quote(page["next_cursor"]))
            times.setdefault("common, page 2", []).append(ms)
    conn.close()
    every = [t for ts in times.values() for t in ts]

    def summary(ts):
        return {"count": len(ts), "p50_ms": round(percentile(ts, 0.50), 2), "p90_ms": round(percentile(ts, 0.90), 2),
                "p99_ms": round(percentile(ts, 0.99), 2), "max_ms": round(max(ts), 2)}

    return {"all": summary(every), **{kind: summary(ts) for kind, ts in times.items()}}


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    print(json.dumps(measure(host, int(port), n, rounds), indent=1))


if __name__ == "__main__":
    main()
