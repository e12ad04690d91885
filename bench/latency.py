#!/usr/bin/env python3
"""Sequential request latency over one keep-alive connection: median, p90, p99 and
mean in milliseconds, for each path given. No load generation: this measures what a
single request costs, for comparing database sizes.

    python3 bench/latency.py HOST:PORT COUNT PATH [PATH...]
"""
import http.client
import statistics
import sys
import time

def measure(host, port, path, count):
    conn = http.client.HTTPConnection(host, port)
    for _ in range(20):  # warm-up
        conn.request("GET", path)
        conn.getresponse().read()
    times = []
    status = None
    for _ in range(count):
        t = time.perf_counter()
        conn.request("GET", path)
        res = conn.getresponse()
        res.read()
        times.append((time.perf_counter() - t) * 1000)
        status = res.status
    times.sort()
    q = lambda p: times[min(len(times) - 1, int(p * len(times)))]
    return {"path": path, "status": status, "median_ms": round(statistics.median(times), 3),
            "p90_ms": round(q(0.90), 3), "p99_ms": round(q(0.99), 3), "mean_ms": round(statistics.mean(times), 3)}

def main():
    host, port = sys.argv[1].split(":")
    count = int(sys.argv[2])
    for path in sys.argv[3:]:
        print(measure(host, int(port), path, count))

main()
