#!/usr/bin/env python3
"""Profiles one benchmark scenario: starts the release server as `bench/run.py` does (pinned to
CPU 0, load on CPU 1), samples it with `perf record` while wrk drives the scenario, and prints
the throughput, how busy the server's core was, and where its time went (by library, by
thread, by function).

    python3 bench/profile.py sqlite users_me
    python3 bench/profile.py mariadb introspection --env GENESIS__ARGON2__MAX_CONCURRENT=1

Scenarios: password_login, users_me, client_credentials, introspection, jwks. Needs `perf`
(Debian's linux-perf) and a release build (`cargo build --release -p genesis`). Release builds
carry no frame pointers, so only the flat profile (self time) is taken; sampling costs the
server some throughput, so read the shares, not the request rate."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

SAMPLE_HZ = 499


def report(data: Path, sort: str, limit: int) -> str:
    out = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--sort", sort, "--stdio"],
                         capture_output=True, text=True).stdout
    rows = [line for line in out.splitlines() if line.strip() and not line.startswith("#")]
    return "\n".join(rows[:limit])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--env")]
    extra = {}
    for i, arg in enumerate(sys.argv):
        if arg == "--env" and i + 1 < len(sys.argv):
            key, _, value = sys.argv[i + 1].partition("=")
            extra[key] = value
            args.remove(sys.argv[i + 1])
    if len(args) != 2:
        raise SystemExit(__doc__)
    database, scenario = args
    server = run.Server(database, extra)
    data = server.dir / "perf.data"
    try:
        path, script = run.prepare(server)[scenario]
        perf = subprocess.Popen(["perf", "record", "-F", str(SAMPLE_HZ), "-o", str(data), "-p", str(server.proc.pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        started = time.monotonic()
        result = run.wrk(server, path, script)
        elapsed = time.monotonic() - started
        perf.send_signal(2)
        perf.wait()
        samples = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--sort", "dso", "-n"],
                                 capture_output=True, text=True).stdout
        total = sum(int(line.split()[1]) for line in samples.splitlines()
                    if line.strip() and not line.startswith("#") and line.split()[1].isdigit())
        print(f"{scenario} on {database}: {result['rps']:,.0f} req/s, p99 {result['p99_ms']:.2f} ms, {result['errors']} errors")
        print(f"server core busy: {total / (elapsed * SAMPLE_HZ):.0%} of {elapsed:.1f} s\n")
        print("by library:\n" + report(data, "dso", 8) + "\n")
        print("by thread:\n" + report(data, "comm", 6) + "\n")
        print("by function (self time):\n" + report(data, "sym", 25))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
