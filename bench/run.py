#!/usr/bin/env python3
"""Genesis benchmark: one command that builds in release, measures the raw primitives (criterion),
starts the real server on loopback (SQLite, then MariaDB), drives each scenario with wrk (and the
refresh-chain driver `refresh-load`), and writes docs/performance.md with the figures as ratios
to the primitives measured in the same run.

    python3 bench/run.py            # full run, about 6 minutes on 2 cores
    python3 bench/run.py --quick    # 2-second scenarios, SQLite only: proves the harness works

The server is pinned to CPU 0 and the load generators to CPU 1 (taskset) when the machine has
two cores or more. Only loopback addresses are used; every load is bounded in time."""
from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
QUICK = "--quick" in sys.argv
DURATION = 2 if QUICK else 10
CONNECTIONS = 16
NATIVE = "bench-native"
SERVICE, SERVICE_SECRET = "bench-service", "bench-service-secret-" + secrets.token_hex(16)
CORES = os.cpu_count() or 1
PIN_SERVER = ["taskset", "-c", "0"] if CORES >= 2 and shutil.which("taskset") else []
PIN_LOAD = ["taskset", "-c", "1"] if CORES >= 2 and shutil.which("taskset") else []
GENEROUS = {f"GENESIS__LIMITS__{k}": "1000000000" for k in
            ["TOKEN_PER_MINUTE", "TOKEN_BURST", "REGISTER_PER_MINUTE", "REGISTER_BURST", "PROFILE_PER_MINUTE", "PROFILE_BURST"]}


def run(cmd, **kw):
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    run(["apt-get", "install", "-y", "-qq", "wrk"], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def build():
    run(["cargo", "build", "--release", "-p", "genesis", "-p", "genesis-bench", "--bins"], cwd=ROOT)


def primitives() -> dict:
    args = ["cargo", "bench", "-p", "genesis-bench", "--bench", "primitives", "--"]
    if QUICK:
        args += ["--warm-up-time", "0.5", "--measurement-time", "1"]
    run(args, cwd=ROOT)
    found = {}
    for group, name in [("argon2id", "hash_1_thread"), ("argon2id", "hash_2_threads"), ("jwt", "eddsa_sign"),
                        ("jwt", "eddsa_verify"), ("jwt", "eddsa_verify_remembered"), ("jwt", "rs256_sign"), ("jwt", "rs256_verify"),
                        ("refresh_token", "sha256")]:
        estimates = json.loads((TARGET / "criterion" / group / name / "new" / "estimates.json").read_text())
        nanos = estimates["mean"]["point_estimate"]
        per_op = nanos / (2 if name == "hash_2_threads" else 1)
        found[f"{group}/{name}"] = {"ns": nanos, "per_second": 1e9 / per_op}
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Server:
    def __init__(self, database: str, extra: dict | None = None, port: int | None = None):
        self.dir = Path(tempfile.mkdtemp(prefix="genesis-bench-"))
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.mysql_db = None
        if database.startswith("mysql://"):
            url = database
        elif database == "sqlite":
            url = f"sqlite://{self.dir / 'bench.db'}?mode=rwc"
        else:
            self.mysql_db = "genesis_bench_" + secrets.token_hex(4)
            run(["mariadb", "-h", "127.0.0.1", "-uroot", "-e", f"CREATE DATABASE {self.mysql_db} CHARACTER SET utf8mb4"])
            url = f"mysql://root@127.0.0.1:3306/{self.mysql_db}"
        (self.dir / "genesis.toml").write_text(
            f'[[clients]]\nid = "{NATIVE}"\nkind = "native"\n\n'
            f'[[clients]]\nid = "{SERVICE}"\nkind = "service"\nsecret = "{SERVICE_SECRET}"\n')
        env = {"PATH": os.environ["PATH"], "GENESIS__SERVER__BIND": f"127.0.0.1:{self.port}", "GENESIS__DATABASE__URL": url,
               "GENESIS__LOG__LEVEL": "warn", **GENEROUS, **(extra or {})}
        started = time.monotonic()
        self.proc = subprocess.Popen([*PIN_SERVER, str(TARGET / "release" / "genesis"), "serve", "--config", str(self.dir / "genesis.toml")],
                                     cwd=self.dir, env=env, stdout=subprocess.DEVNULL, stderr=open(self.dir / "stderr.log", "wb"))
        while True:
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() - started > 60:
                raise SystemExit("the server did not start:\n" + (self.dir / "stderr.log").read_text()[-2000:])
            time.sleep(0.02)
        self.startup_ms = (time.monotonic() - started) * 1000
        time.sleep(0.5)
        self.idle_rss_kib = rss_kib(self.proc.pid)
        self.idle_anon_kib = rss_kib(self.proc.pid, "RssAnon")

    def post(self, path, data: bytes, headers: dict) -> dict:
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
            return json.loads(body) if body else {}

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        if self.mysql_db:
            subprocess.run(["mariadb", "-h", "127.0.0.1", "-uroot", "-e", f"DROP DATABASE IF EXISTS {self.mysql_db}"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class RssSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, rss_kib(self.pid))
            except OSError:
                return
            time.sleep(0.1)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_latency(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


def wrk(server: Server, path: str, lua: str, connections: int = CONNECTIONS, threads: int = 1) -> dict:
    script = server.dir / "scenario.lua"
    script.write_text(lua)
    sampler = RssSampler(server.proc.pid)
    sampler.start()
    out = subprocess.run([*PIN_LOAD, "wrk", f"-t{threads}", f"-c{max(connections, threads)}", f"-d{DURATION}s", "--latency", "-s", str(script), server.base + path],
                         check=True, capture_output=True, text=True).stdout
    peak = sampler.stop()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    p50 = parse_latency(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = parse_latency(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    return {"rps": rps, "requests": total, "errors": errors, "p50_ms": p50, "p99_ms": p99, "rss_kib": peak}


def form_lua(body: str, headers: dict) -> str:
    lines = ['wrk.method = "POST"', f'wrk.body = "{body}"', 'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def prepare(server: Server) -> dict:
    """Registers a user, logs in once, and returns each wrk scenario as (path, script)."""
    import base64
    user, password = "benchuser" + secrets.token_hex(3), "bench-passphrase-violet-kettle-drums"
    server.post("/users", json.dumps({"username": user, "email": f"{user}@example.com", "password": password}).encode(),
                {"Content-Type": "application/json"})
    login_form = f"grant_type=password&username={user}&password={password.replace(' ', '+')}"
    login = server.post("/token", f"{login_form}&client_id={NATIVE}".encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    access = login["access_token"]
    basic = base64.b64encode(f"{SERVICE}:{SERVICE_SECRET}".encode()).decode()
    return {
        "password_login": ("/token", form_lua(login_form, {})),
        "users_me": ("/users/me", f'wrk.headers["Authorization"] = "Bearer {access}"\n'),
        "client_credentials": ("/token", form_lua("grant_type=client_credentials", {"Authorization": f"Basic {basic}"})),
        "introspection": ("/oauth/introspect", form_lua(f"token={access}", {"Authorization": f"Basic {basic}"})),
        "jwks": ("/.well-known/jwks.json", ""),
    }


def scenarios(database: str) -> dict:
    server = Server(database)
    results = {"startup_ms": server.startup_ms, "idle_rss_kib": server.idle_rss_kib, "idle_anon_kib": server.idle_anon_kib}
    try:
        for name, (path, script) in prepare(server).items():
            results[name] = wrk(server, path, script)
        sampler = RssSampler(server.proc.pid)
        sampler.start()
        out = subprocess.run([*PIN_LOAD, str(TARGET / "release" / "refresh-load"), server.base, NATIVE, str(CONNECTIONS), str(DURATION)],
                             check=True, capture_output=True, text=True).stdout
        results["refresh"] = {**json.loads(out.strip().splitlines()[-1]), "rss_kib": sampler.stop()}
        results["peak_rss_kib"] = rss_kib(server.proc.pid, "VmHWM")
    finally:
        server.stop()
    if database == "sqlite":
        results["password_login_one_slot"] = login_with_one_slot()
    if not QUICK:
        results["introspection_two_cores"] = introspection_on_both_cores(database)
    return results


def introspection_on_both_cores(database: str) -> dict:
    """Introspection with nothing pinned (server, database and wrk share both cores, wrk with two
    threads and 32 connections), to compare with Hydra's figure on 2 CPUs."""
    global PIN_SERVER, PIN_LOAD
    pinned = PIN_SERVER, PIN_LOAD
    PIN_SERVER, PIN_LOAD = [], []
    try:
        server = Server(database)
        try:
            path, script = prepare(server)["introspection"]
            return wrk(server, path, script, connections=2 * CONNECTIONS, threads=2)
        finally:
            server.stop()
    finally:
        PIN_SERVER, PIN_LOAD = pinned


def login_with_one_slot() -> dict:
    """Password logins with `argon2.max_concurrent` equal to the server's one core: hashes run one
    after the other instead of time-slicing (and evicting each other's memory from the caches)."""
    server = Server("sqlite", {"GENESIS__ARGON2__MAX_CONCURRENT": "1"})
    try:
        path, script = prepare(server)["password_login"]
        return wrk(server, path, script)
    finally:
        server.stop()


def flood() -> dict:
    """A login flood with one hashing slot: how much is shed, how fast /health stays, peak memory."""
    server = Server("sqlite", {"GENESIS__ARGON2__MAX_CONCURRENT": "1", "GENESIS__ARGON2__MEMORY_KIB": "65536",
                               "GENESIS__ARGON2__ITERATIONS": "3"})
    try:
        user, password = "flood" + secrets.token_hex(3), "bench-passphrase-violet-kettle-drums"
        server.post("/users", json.dumps({"username": user, "email": f"{user}@example.com", "password": password}).encode(),
                    {"Content-Type": "application/json"})
        health = []
        stop = threading.Event()

        def probe():
            while not stop.is_set():
                started = time.monotonic()
                with urllib.request.urlopen(server.base + "/health", timeout=10) as r:
                    r.read()
                health.append((time.monotonic() - started) * 1000)
                time.sleep(0.05)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        result = wrk(server, "/token", form_lua(f"grant_type=password&username={user}&password={password.replace(' ', '+')}", {}), connections=64)
        stop.set()
        prober.join()
        health.sort()
        result["health_p99_ms"] = health[int((len(health) - 1) * 0.99)] if health else float("nan")
        result["peak_rss_kib"] = rss_kib(server.proc.pid, "VmHWM")
        return result
    finally:
        server.stop()


def spread_lua(ports: list) -> str:
    """A wrk script prefix that gives each wrk thread one of the instances."""
    listed = ", ".join(f'"{p}"' for p in ports)
    return ("local counter, ports = 0, {" + listed + "}\n"
            "function setup(thread)\n"
            "  counter = counter + 1\n"
            "  thread.addr = wrk.lookup(\"127.0.0.1\", ports[((counter - 1) % #ports) + 1])[1]\n"
            "end\n")


def scale_out() -> dict:
    """Client-credentials grants and /users/me through 1 instance, then spread over 3 instances
    sharing one MariaDB database and one Redis, on the same core."""
    import base64
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = "genesis_bench_scale_" + secrets.token_hex(4)
    run(["mariadb", "-h", "127.0.0.1", "-uroot", "-e", f"CREATE DATABASE {database} CHARACTER SET utf8mb4"])
    kek = base64.b64encode(secrets.token_bytes(32)).decode()
    servers = []
    try:
        time.sleep(0.3)
        first_port = free_port()
        shared = {"GENESIS__REDIS__URL": f"redis://127.0.0.1:{redis_port}/0", "GENESIS__KEYS__KEK": kek,
                  "GENESIS__SERVER__PUBLIC_URL": f"http://127.0.0.1:{first_port}"}
        url = f"mysql://root@127.0.0.1:3306/{database}"
        for i in range(3):
            servers.append(Server(url, dict(shared), port=first_port if i == 0 else None))
        user, password = "scaleuser" + secrets.token_hex(3), "bench-passphrase-violet-kettle-drums"
        servers[0].post("/users", json.dumps({"username": user, "email": f"{user}@example.com", "password": password}).encode(),
                        {"Content-Type": "application/json"})
        login = servers[0].post("/token", f"grant_type=password&username={user}&password={password.replace(' ', '+')}".encode(),
                                {"Content-Type": "application/x-www-form-urlencoded"})
        access = login["access_token"]
        basic = base64.b64encode(f"{SERVICE}:{SERVICE_SECRET}".encode()).decode()
        results = {}
        for label, targets in [("1 instance", servers[:1]), ("3 instances", servers)]:
            spread = spread_lua([s.port for s in targets])
            results[label] = {
                "users_me": wrk(targets[0], "/users/me", spread + f'wrk.headers["Authorization"] = "Bearer {access}"\n', threads=len(targets)),
                "client_credentials": wrk(targets[0], "/token", spread + form_lua("grant_type=client_credentials", {"Authorization": f"Basic {basic}"}), threads=len(targets)),
            }
        return results
    finally:
        for server in servers:
            server.mysql_db = None
            server.stop()
        subprocess.run(["mariadb", "-h", "127.0.0.1", "-uroot", "-e", f"DROP DATABASE IF EXISTS {database}"], check=False)
        redis.kill()
        redis.wait()


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


def report(prims: dict, per_db: dict, flood_result: dict, scale_result: dict | None, elapsed: float):
    argon_1 = prims["argon2id/hash_1_thread"]["per_second"]
    server_cores = 1 if PIN_SERVER else CORES
    argon_floor = argon_1 * server_cores
    verify, sign = prims["jwt/eddsa_verify"]["per_second"] * server_cores, prims["jwt/eddsa_sign"]["per_second"] * server_cores
    floors = {"password_login": ("argon2id hashes/s", argon_floor), "users_me": ("EdDSA verifications/s", verify),
              "client_credentials": ("EdDSA signatures/s", sign), "refresh": ("EdDSA signatures/s", sign),
              "introspection": ("EdDSA verifications/s", verify), "jwks": ("—", None),
              "password_login_one_slot": ("argon2id hashes/s", argon_floor),
              "introspection_two_cores": ("EdDSA verifications/s on 2 cores", prims["jwt/eddsa_verify"]["per_second"] * CORES)}
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024 / 1024
    binary = (TARGET / "release" / "genesis").stat().st_size / 1024 / 1024
    lines = [
        "# Performance", "",
        "Measured by `python3 bench/run.py` (" + ("quick mode: 2-second scenarios" if QUICK else f"{DURATION}-second scenarios") +
        f", {elapsed:.0f} s in all) on this machine: {CORES} cores ({platform.processor() or platform.machine()}), {mem:.1f} GiB, "
        f"{platform.system()} {platform.release()}. Release build; the server pinned to CPU 0 and the load generators (wrk 1 thread, "
        f"{CONNECTIONS} connections; `refresh-load`) to CPU 1" + (" with taskset" if PIN_SERVER else " (not pinned: one core only)") +
        ". Default settings: argon2id 19456 KiB × 2, EdDSA, audit stdout sink on (to /dev/null), rate limits raised out of the way.", "",
        "Figures are reported, never asserted. Ratios divide by the primitive measured in the same run on the cores the server had. "
        "`password_login_one_slot` is the same scenario with `argon2.max_concurrent = 1` (one hashing slot per core the server has, "
        "instead of the default two). `introspection_two_cores` pins nothing: the server, the database and wrk (2 threads, "
        "32 connections) share both cores, as in Hydra's published run on 2 CPUs.", "",
        "## Primitives (criterion, the server's own crates and settings)", "",
        "| primitive | time | per second |", "| --- | --- | --- |",
    ]
    for name, p in prims.items():
        lines.append(f"| {name} | {p['ns'] / 1000:,.1f} µs | {fmt(p['per_second'])} |")
    for database, results in per_db.items():
        lines += ["", f"## Scenarios on {database}", "",
                  f"Start-up {results['startup_ms']:.0f} ms (process start to `/health`), idle RSS {results['idle_rss_kib'] / 1024:.1f} MiB "
                  f"(of which {results['idle_anon_kib'] / 1024:.1f} MiB anonymous memory, the rest the binary's and libraries' code mapped from the page cache), "
                  f"peak RSS {results['peak_rss_kib'] / 1024:.1f} MiB, binary {binary:.1f} MiB.", "",
                  "| scenario | requests/s | p50 | p99 | errors | RSS under load | floor | ratio to floor |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for scenario in ["password_login", "password_login_one_slot", "users_me", "client_credentials", "refresh", "introspection",
                         "introspection_two_cores", "jwks"]:
            if scenario not in results:
                continue
            r = results[scenario]
            label, floor = floors[scenario]
            ratio = f"{r['rps'] / floor:.2f}" if floor else "—"
            floor_text = f"{fmt(floor)} {label}" if floor else "—"
            lines.append(f"| {scenario} | {fmt(r['rps'])} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['errors']} | "
                         f"{r['rss_kib'] / 1024:.1f} MiB | {floor_text} | {ratio} |")
    f = flood_result
    lines += ["", "## Login flood (SQLite, argon2id 65536 KiB × 3, `argon2.max_concurrent = 1`, 64 connections)", "",
              f"{fmt(f['rps'])} answers/s, of which {f['errors']} were not 2xx (400 or 503 shed with `Retry-After`); "
              f"`/health` p99 {f['health_p99_ms']:.1f} ms during the flood; peak RSS {f['peak_rss_kib'] / 1024:.1f} MiB.", ""]
    if scale_result:
        lines += ["## Scale-out: one instance, then three, over one MariaDB and one Redis", "",
                  "All instances share CPU 0 (one core), so this measures the cost of spreading load over processes that share "
                  "the database and Redis, not added capacity; wrk spreads its connections over the instances.", "",
                  "| scenario | 1 instance req/s | 3 instances req/s | p99 (1) | p99 (3) | errors (3) |", "| --- | --- | --- | --- | --- | --- |"]
        for scenario in ["users_me", "client_credentials"]:
            one, three = scale_result["1 instance"][scenario], scale_result["3 instances"][scenario]
            lines.append(f"| {scenario} | {fmt(one['rps'])} | {fmt(three['rps'])} | {one['p99_ms']:.2f} ms | {three['p99_ms']:.2f} ms | {three['errors']} |")
        lines.append("")
    analysis = ROOT / "bench" / "analysis.md"
    if analysis.exists():
        lines += ["", analysis.read_text().rstrip()]
    (ROOT / "docs" / "performance.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    started = time.monotonic()
    ensure_wrk()
    build()
    prims = primitives()
    databases = ["sqlite"] if QUICK else ["sqlite", "mariadb"]
    per_db = {db: scenarios(db) for db in databases}
    flood_result = flood()
    scale_result = None if QUICK else scale_out()
    report(prims, per_db, flood_result, scale_result, time.monotonic() - started)


if __name__ == "__main__":
    main()
