#!/usr/bin/env python3
"""Performance runs for docs/performance.md: start the server processes, run the load tester, sample CPU and memory,
stop everything. Python 3.9+, standard library only. Targets are 127.0.0.1 only.
Each run records, besides CPU and memory, every server process's context switches per second over the measured
window (voluntary: a thread waited and was woken again; involuntary: it was preempted), by thread name, and prints
their total as switches/s: thread hand-offs show there first (docs/performance.md, issue 11, "Fourth pass").

    python3 scripts/perf/perf.py slo      --encoding json            # the tester's own --slo search, single process
    python3 scripts/perf/perf.py search   --players 16 --tick-hz 20  # SLO search adapted to the tick rate
    python3 scripts/perf/perf.py fixed    --rooms 125 --players 8     # one run: CPU per snapshot, RSS, GC heap
    python3 scripts/perf/perf.py cluster  --silos 2 --rooms 63,125    # cluster: N silos + one gateway + PostgreSQL
    python3 scripts/perf/perf.py failover --silos 2 --rooms 40        # what each silo fault costs players (below)
    python3 scripts/perf/perf.py fixed    --server floor --rooms 100  # the same run against the issue-11 C floor

Binaries come from scripts/perf/build.sh (published to $GAME_PERF_BIN, default /tmp/game-perf/bin) so that other
people's builds cannot swap DLLs under a running measurement; --server floor runs scripts/perf/floor/build.sh's
floor/floor instead of the gateway (scripts/perf/floor/README.md). Every process this script starts runs in its own
process group and is stopped (SIGTERM, then SIGKILL) when the script ends, fails, is interrupted or runs past
--max-seconds. Results: one JSON object per run appended to <out>/results.jsonl, logs beside it.

failover: for each of --faults kill,freeze,stop,migrate (default all four), a fresh cluster (new database, --silos 2
silos, one gateway) and a tester run of --rooms 40 x --players 8 (--duration 40, --warmup 5). --fault-after 8 s into
the window it reads GET /cluster, takes the active silo with the most rooms, finds our silo process listening on that
silo's port (/proc/PID/fd socket inodes against /proc/PID/net/tcp), and: kill = SIGKILL; freeze = SIGSTOP, SIGCONT
after --freeze-seconds 12, then checks whether the process still lives 10 s later and collects its log lines about
being declared dead; stop = SIGTERM (graceful: rooms move live); migrate = POST /cluster/rooms/load-migrate-0/migrate.
For kill, freeze and stop it polls the silo's row in the membership table (PostgreSQL) to time the first suspicion
and the Dead status after the fault.
Right after the fault a probe run starts --probe-bots 40 fresh players, one per fresh room, at --probe-ramp 4/s (one
hello+join every 250 ms for 10 s): its connect_failures, join_failures and errors_by_code are the fresh hello/join
failures during the fault. Per fault one record (the tester's gap_max_ms = the pause of the worst room, i.e. of the
faulted silo's rooms or of the migrated room; gap_p50/p99 over bots; ack_regressions; disconnects; errors; the probe's
figures; GET /cluster before and after) and one line on stdout. The tester's and the probe's Markdown reports (bot
failure reasons) are beside the logs.

    GAME_PERF_BIN=/tmp/game-perf/bin-failover python3 scripts/perf/perf.py failover --faults kill,stop --rooms 10
"""

import argparse
import atexit
import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

BIN = os.environ.get("GAME_PERF_BIN", "/tmp/game-perf/bin")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
DEFAULT_PORT = 5761
DEFAULT_PG = "Host=127.0.0.1;Port=5432;Username=game;Password=game;Database=postgres"
# The operator token (Admin:Token) given to the gateways we start: GET /cluster and POST .../migrate need it as a bearer
# header (shared protocol.md v1.1). GAME_PERF_ADMIN_TOKEN to choose it, else a fresh random one per run. The load tester
# gets it as GAME_CLUSTER_TOKEN for its /cluster sampling.
ADMIN_TOKEN = os.environ.get("GAME_PERF_ADMIN_TOKEN") or secrets.token_urlsafe(24)
# Every bot connects from 127.0.0.1: lift the gateway's per-address and not-yet-welcomed connection caps (defaults 64
# and 1,000) so a ramp of thousands of bots is not refused with HTTP 429.
# The token would also switch the Orleans Dashboard on (Cluster:Dashboard follows Admin:Token), which times every grain
# call: runs measure the product as it ships without a token, so the dashboard stays off unless GAME_PERF_DASHBOARD=1.
GATEWAY_ENV = {"Admin__Token": ADMIN_TOKEN, "Gateway__MaxConnectionsPerIp": "1000000",
               "Gateway__MaxUngreetedConnections": "1000000",
               "Cluster__Dashboard": "true" if os.environ.get("GAME_PERF_DASHBOARD") == "1" else "false"}
# Extra environment for the gateway alone (not the tester), e.g. a runtime switch being measured:
# GAME_PERF_GATEWAY_ENV="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1".
GATEWAY_ENV.update(kv.split("=", 1) for kv in os.environ.get("GAME_PERF_GATEWAY_ENV", "").split())

_started = []  # Popen objects of every process we started
_lock = threading.Lock()


# --------------------------------------------------------------------------------------------------- processes

def start(name, cmd, env_extra, log_dir):
    """Starts cmd in its own process group, stdout+stderr to <log_dir>/<name>.log."""
    env = dict(os.environ)
    env.update(env_extra)
    log = open(os.path.join(log_dir, name + ".log"), "ab")
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         env=env, start_new_session=True)
    p.perf_name = name
    with _lock:
        _started.append(p)
    return p


def stop(p, grace=10.0):
    """Stops one process we started (its whole process group, by its id): SIGTERM, then SIGKILL."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(p.pid, signal.SIGKILL)  # anything left in its group
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        pass
    with _lock:
        if p in _started:
            _started.remove(p)


def stop_all():
    with _lock:
        procs = list(reversed(_started))
    for p in procs:
        stop(p, grace=5.0)


def _on_signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


def install_guards(max_seconds):
    atexit.register(stop_all)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    def deadline():
        sys.stderr.write(f"perf.py: --max-seconds {max_seconds} reached, stopping everything\n")
        stop_all()
        os._exit(124)

    t = threading.Timer(max_seconds, deadline)
    t.daemon = True
    t.start()


def port_free(port):
    """True when nothing listens on 127.0.0.1:port (SO_REUSEADDR, as Kestrel binds: TIME-WAIT leftovers don't count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def operator_headers():
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def http_get(url, timeout=3.0):
    """GET with the operator token (needed by /cluster; /healthz ignores it)."""
    req = urllib.request.Request(url, headers=operator_headers())
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read().decode()


def wait_until(what, check, timeout, proc=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode}")
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{what}: not ready within {timeout} s")


# --------------------------------------------------------------------------------------------------- sampling

def proc_cpu_seconds(pid):
    """(user + system, user) CPU seconds of a process: utime and stime, fields 14 and 15 of /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    user = int(fields[11]) / CLK_TCK
    return user + int(fields[12]) / CLK_TCK, user


def proc_rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def thread_cpu(pid):
    """CPU seconds per thread name (comm, e.g. ".NET TP Worker") of a process, summed over threads of the same name."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except FileNotFoundError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def thread_switches(pid):
    """Context switches per thread name of a process, summed over threads of the same name: {name: [voluntary,
    involuntary]} from /proc/PID/task/*/status. Voluntary: the thread waited (a wake-up follows); involuntary: it was
    preempted."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if line.startswith(("voluntary", "nonvoluntary")))
        except (FileNotFoundError, ProcessLookupError):
            continue
        row = out.setdefault(name, [0, 0])
        row[0] += int(fields["voluntary_ctxt_switches"])
        row[1] += int(fields["nonvoluntary_ctxt_switches"])
    return out


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat: user+nice+system+irq+softirq+steal."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / CLK_TCK


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


class Sampler:
    """Samples CPU seconds and RSS of named processes once per interval, with load average."""

    def __init__(self, procs, interval=0.5):
        self.procs = procs  # name -> Popen
        self.interval = interval
        self.samples = []  # (monotonic, {name: (cpu_s, rss, user_s)}, loadavg)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(5)

    def _run(self):
        while not self._stop.is_set():
            row = {}
            for name, p in list(self.procs.items()):
                try:
                    cpu, user = proc_cpu_seconds(p.pid)
                    row[name] = (cpu, proc_rss_bytes(p.pid), user)
                except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                    pass
            row["machine"] = (machine_busy_seconds(), 0, 0.0)
            self.samples.append((time.monotonic(), row, loadavg()))
            self._stop.wait(self.interval)

    def window(self, t0, t1):
        """Per process: CPU % of one core between the samples nearest inside [t0, t1]; RSS max; load average range."""
        inside = [s for s in self.samples if t0 <= s[0] <= t1]
        if len(inside) < 2:
            return {}, None
        first, last = inside[0], inside[-1]
        out = {}
        for name in last[1]:
            if name in first[1]:
                dt = last[0] - first[0]
                cpu = last[1][name][0] - first[1][name][0]
                user = last[1][name][2] - first[1][name][2]
                out[name] = {"cpu_pct": round(100 * cpu / dt, 1), "user_pct": round(100 * user / dt, 1),
                             "cpu_s": round(cpu, 2), "over_s": round(dt, 2),
                             "rss_mib_max": round(max(s[1][name][1] for s in inside if name in s[1]) / 2**20, 1),
                             "rss_mib_end": round(last[1][name][1] / 2**20, 1)}
        for name in list(out):
            if name == "machine":
                out[name].pop("user_pct")
                out[name].pop("rss_mib_max")
                out[name].pop("rss_mib_end")
        loads = [s[2][0] for s in inside]
        return out, {"load1_min": min(loads), "load1_max": max(loads), "load1_mean": round(sum(loads) / len(loads), 2)}


def read_probe(path):
    """The heap probe's lines (scripts/perf/HeapProbe), as dicts."""
    if not path or not os.path.exists(path):
        return []
    rows = []
    with open(path) as f:
        for line in f:
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    return rows


def full_gc(probe_path, timeout=8.0):
    """Asks the probe for a full compacting GC and returns its line (live heap), or None."""
    if not probe_path:
        return None
    before = len(read_probe(probe_path))
    open(probe_path + ".gc", "w").close()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        rows = read_probe(probe_path)
        for r in rows[before:]:
            if r.get("full_gc"):
                return r
        time.sleep(0.2)
    return None


# --------------------------------------------------------------------------------------------------- tester

PROGRESS = re.compile(r"^\[\s*([\d.]+)s\]\s+(\S+)\s.*?(?:\((\d+)s left\))?\s*$")


def run_tester(args_list, log_dir, name, on_window=None, timeout=900):
    """Runs the load tester (--plain) to completion. Returns (summary dict, window (t0, t1) monotonic or None, stderr).
    on_window(t0, t1) is called from the reader thread once the measurement window's start is known."""
    cmd = ["dotnet", os.path.join(BIN, "loadtest", "Game.LoadTest.dll"), "--plain"] + args_list
    env = dict(os.environ, GAME_CLUSTER_TOKEN=ADMIN_TOKEN)
    env_log = open(os.path.join(log_dir, name + ".tester.log"), "a")
    env_log.write("$ " + " ".join(cmd) + "\n")
    env_log.flush()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                         env=env, start_new_session=True)
    p.perf_name = name + "-tester"
    with _lock:
        _started.append(p)
    lines = []
    err_lines = []
    state = {"t0": None, "duration": None}

    def read_err():
        for line in p.stderr:
            err_lines.append(line.rstrip("\n"))
            env_log.write("ERR " + line)

    def read_out():
        for line in p.stdout:
            now = time.monotonic()
            line = line.rstrip("\n")
            lines.append(line)
            env_log.write(f"{now:.2f} {line}\n")
            env_log.flush()
            m = PROGRESS.match(line)
            if m and m.group(2) == "measuring" and state["t0"] is None and m.group(3) is not None:
                left = int(m.group(3))
                # first measuring line: the window started (duration - left) s ago, to the second
                d = state["duration"]
                state["t0"] = now - (d - left) if d else now
                if on_window and d:
                    on_window(state["t0"], state["t0"] + d)

    for i, a in enumerate(args_list):
        if a in ("--duration", "-d"):
            state["duration"] = float(args_list[i + 1])
    te = threading.Thread(target=read_err, daemon=True)
    to = threading.Thread(target=read_out, daemon=True)
    te.start()
    to.start()
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        stop(p)
        raise RuntimeError(f"tester {name} ran past {timeout} s")
    to.join(5)
    te.join(5)
    with _lock:
        if p in _started:
            _started.remove(p)
    env_log.close()
    summary = None
    for line in reversed(lines):
        if line.startswith("{"):
            summary = json.loads(line)
            break
    window = (state["t0"], state["t0"] + state["duration"]) if state["t0"] and state["duration"] else None
    return summary, window, err_lines, lines


# --------------------------------------------------------------------------------------------------- servers

def arena_args(a):
    out = []
    if a.players != 8 or a.max_players:
        out.append(f"--Arena:MaxPlayers={a.max_players or a.players}")
    if a.tick_hz != 20:
        out.append(f"--Arena:TickHz={a.tick_hz}")
    return out


def probe_env(log_dir, name):
    path = os.path.join(log_dir, name + ".probe.jsonl")
    return {"DOTNET_STARTUP_HOOKS": os.path.join(BIN, "probe", "Game.Perf.HeapProbe.dll"),
            "GAME_PERF_PROBE_OUT": path}, path


def start_single(a, log_dir, tag):
    if not port_free(a.port):
        raise RuntimeError(f"port {a.port} on 127.0.0.1 is in use: pick another with --port")
    if a.server == "floor":
        # The issue-11 floor (scripts/perf/floor): a C epoll server, no heap to probe. Keyed "gateway" in the results.
        cmd = [os.path.join(BIN, "floor", "floor"), "--port", str(a.port), "--tick-hz", str(a.tick_hz),
               "--max-players", str(a.max_players or a.players)]
        g = start(f"floor-{tag}", cmd, {}, log_dir)
        wait_until("floor /healthz", lambda: http_get(f"http://127.0.0.1:{a.port}/healthz")[0] == 200, 10, g)
        return g, None
    env, probe = probe_env(log_dir, f"gateway-{tag}")
    env.update(GATEWAY_ENV)
    if a.workstation_gc:
        env["DOTNET_gcServer"] = "0"
    cmd = ["dotnet", os.path.join(BIN, "gateway", "Game.Gateway.dll"), "--urls", f"http://127.0.0.1:{a.port}",
           "--Logging:LogLevel:Default=Warning"] + arena_args(a)
    g = start(f"gateway-{tag}", cmd, env, log_dir)
    wait_until("gateway /healthz", lambda: http_get(f"http://127.0.0.1:{a.port}/healthz")[0] == 200, 60, g)
    return g, probe


def psql(conn_db, sql):
    kv = dict(x.split("=", 1) for x in DEFAULT_PG.split(";"))
    env = dict(os.environ, PGPASSWORD=kv["Password"])
    subprocess.run(["psql", "-h", kv["Host"], "-p", kv["Port"], "-U", kv["Username"], "-d", conn_db, "-v",
                    "ON_ERROR_STOP=1", "-qtAc", sql], check=True, env=env, timeout=60)


def start_cluster(a, log_dir, tag):
    if not port_free(a.port):
        raise RuntimeError(f"port {a.port} on 127.0.0.1 is in use: pick another with --port")
    db = f"perf_{datetime.now(timezone.utc).strftime('%Y%m%d%H%M%S')}_{a.silos}"
    psql("postgres", f"CREATE DATABASE {db}")
    conn = DEFAULT_PG.replace("Database=postgres", f"Database={db}")
    if a.pg_pool:
        # Npgsql pools up to 100 connections per process by default; PostgreSQL's default max_connections is 100
        # for the whole server, so a gateway and silos under load can run it out of slots (error 53300).
        conn += f";Maximum Pool Size={a.pg_pool}"
    procs = {}
    probes = {}
    for i in range(a.silos):
        env, probe = probe_env(log_dir, f"silo{i + 1}-{tag}")
        env.update({"Cluster__Postgres": conn, "Silo__Port": "0"})
        cmd = ["dotnet", os.path.join(BIN, "silo", "Game.Silo.dll"), "--Logging:LogLevel:Default=Warning"] + arena_args(a)
        procs[f"silo{i + 1}"] = start(f"silo{i + 1}-{tag}", cmd, env, log_dir)
        probes[f"silo{i + 1}"] = probe
    env, probe = probe_env(log_dir, f"gateway-{tag}")
    env.update(GATEWAY_ENV)
    env["Cluster__Postgres"] = conn
    cmd = ["dotnet", os.path.join(BIN, "gateway", "Game.Gateway.dll"), "--urls", f"http://127.0.0.1:{a.port}",
           "--Logging:LogLevel:Default=Warning"] + arena_args(a)
    procs["gateway"] = start(f"gateway-{tag}", cmd, env, log_dir)
    probes["gateway"] = probe

    def active():
        _, body = http_get(f"http://127.0.0.1:{a.port}/cluster")
        silos = json.loads(body)["silos"]
        return sum(1 for s in silos if s["status"] == "active") >= a.silos

    wait_until(f"{a.silos} active silos in GET /cluster", active, 90, procs["gateway"])
    return procs, probes, db


def cluster_view(port):
    try:
        return json.loads(http_get(f"http://127.0.0.1:{port}/cluster")[1])
    except Exception as e:  # report, don't fail the run
        return {"error": str(e)}


# --------------------------------------------------------------------------------------------------- one run

# Seconds the bots play on after the measurement window in a run that measures memory: the full GC that reads the live
# heap (60-100 ms of stop-the-world) runs then, under the same load, not inside the window whose latency the tester counts.
LINGER_S = 4


def tester_args(a, rooms, extra=()):
    args = ["--url", f"ws://127.0.0.1:{a.port}/ws", "--rooms", str(rooms), "--players", str(a.players),
            "--duration", str(a.duration), "--warmup", str(a.warmup), "--ramp", str(a.ramp),
            "--encoding", a.encoding, "--input-rate", str(a.input_rate or a.tick_hz)]
    return args + list(extra)


def measured_run(a, procs, probes, rooms, log_dir, tag, memory=False):
    """One fixed tester run against running servers; returns the result record."""
    sampler = Sampler(procs).start()
    marks = {}
    gc_lines = {}
    views = []
    threads = {}
    switches = {}

    def on_window(t0, t1):
        def work():
            time.sleep(max(0.0, t0 + 1.0 - time.monotonic()))
            th0 = {n: (time.monotonic(), thread_cpu(p.pid), thread_switches(p.pid)) for n, p in procs.items()}
            mid = t0 + (t1 - t0) * 0.5
            time.sleep(max(0.0, mid - time.monotonic()))
            if a.silos:
                views.append(cluster_view(a.port))
            th_end = t1 - 0.5
            time.sleep(max(0.0, th_end - time.monotonic()))
            for n, p in procs.items():
                t_start, before, switches_before = th0[n]
                after = thread_cpu(p.pid)
                switches_after = thread_switches(p.pid)
                dt = time.monotonic() - t_start
                rows = sorted(((k, (v - before.get(k, 0.0)) / dt * 100) for k, v in after.items()), key=lambda x: -x[1])
                threads[n] = {k: round(v, 1) for k, v in rows[:8] if v >= 0.5}
                per_name = {k: [(v[i] - switches_before.get(k, [0, 0])[i]) / dt for i in (0, 1)] for k, v in switches_after.items()}
                switches[n] = {"voluntary": round(sum(v[0] for v in per_name.values())),
                               "involuntary": round(sum(v[1] for v in per_name.values())),
                               "by_thread": {k: [round(v[0]), round(v[1])] for k, v in sorted(per_name.items(), key=lambda x: -sum(x[1]))[:6]
                                             if sum(v) >= 1}}
            if memory:
                marks["heap_mid"] = {n: (read_probe(p) or [{}])[-1] for n, p in probes.items()}
                gc_at = t1 + 1.0  # full GC after the window, while the bots linger (LINGER_S): outside the tester's figures
                time.sleep(max(0.0, gc_at - time.monotonic()))
                marks["gc_at"] = time.monotonic()
                marks["rss_before_gc"] = {n: proc_rss_bytes(p.pid) for n, p in procs.items()}
                for n, p in probes.items():
                    gc_lines[n] = full_gc(p)
                marks["rss_after_gc"] = {n: proc_rss_bytes(p.pid) for n, p in procs.items()}
        threading.Thread(target=work, daemon=True).start()

    baseline = {}
    if memory:
        for n, p in probes.items():
            baseline[n] = {"live_heap": (full_gc(p) or {}).get("heap_bytes"), "rss": proc_rss_bytes(procs[n].pid)}
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    extra = ["--report", os.path.join(log_dir, tag + ".report.md")] if a.reports else []
    if memory:
        extra += ["--linger", str(LINGER_S)]
    summary, window, err, _ = run_tester(tester_args(a, rooms, extra), log_dir, tag, on_window)
    sampler.stop()
    rec = {"tag": tag, "started": started, "mode": "cluster" if a.silos else "single", "server": a.server, "silos": a.silos,
           "encoding": a.encoding, "players": a.players, "tick_hz": a.tick_hz, "rooms": rooms,
           "input_rate": a.input_rate or a.tick_hz, "summary": summary, "tester_warnings": err}
    if window:
        t0, t1 = window
        t1c = min(t1, marks.get("gc_at", t1)) - 0.5
        cpu, load = sampler.window(t0 + 1.0, t1c)
        rec["cpu"] = cpu
        rec["load"] = load
        if "machine" in cpu and summary:
            ours = sum(v["cpu_pct"] for n, v in cpu.items() if n != "machine") + summary.get("tester_cpu_pct", 0)
            rec["others_cpu_pct"] = round(cpu["machine"]["cpu_pct"] - ours, 1)
    if summary:
        delivered = summary["ccu"] * summary["snapshots_per_bot_s"]  # snapshots per second
        rec["snapshots_delivered_per_s"] = round(delivered, 1)
        if window and "gateway" in rec.get("cpu", {}) and delivered > 0:
            rec["gateway_us_per_snapshot"] = round(rec["cpu"]["gateway"]["cpu_pct"] / 100 / delivered * 1e6, 2)
        ticks = summary["rooms"] * a.tick_hz
        if window and ticks > 0:
            silo_cpu = sum(v["cpu_pct"] for n, v in rec.get("cpu", {}).items() if n.startswith("silo"))
            if silo_cpu:
                rec["silo_us_per_room_tick"] = round(silo_cpu / 100 / ticks * 1e6, 2)
        crit = criteria(a)
        rec["criteria"] = crit
        rec["held"] = held(summary, crit)
    if views:
        rec["cluster"] = views[-1]
    if threads:
        rec["threads_cpu_pct"] = threads
    if switches:
        rec["context_switches_per_s"] = switches
    if memory:
        rec["memory"] = {"baseline": baseline, "heap_mid": marks.get("heap_mid"), "rss_before_gc": marks.get("rss_before_gc"),
                         "after_gc": gc_lines, "rss_after_gc": marks.get("rss_after_gc")}
    return rec


def criteria(a):
    """The SLO adapted to the tick rate: each bot >= 95 % of the tick rate in snapshots/s (19 at 20 Hz), and
    input->ack p99 <= one tick period + 50 ms (100 ms at 20 Hz: the same 50 ms over the worst-case wait for the next tick)."""
    return {"min_snapshots": round(0.95 * a.tick_hz, 2), "max_p99_ms": round(1000 / a.tick_hz + 50, 1),
            "min_input_share": 0.95}


def held(s, c):
    return (s["ccu"] == s["target_ccu"] and s["ccu"] > 0 and s["snapshots_min_bot_s"] >= c["min_snapshots"]
            and s["latency_samples"] > 0 and s["p99_ms"] <= c["max_p99_ms"]
            and s["inputs_per_bot_s"] >= c["min_input_share"] * s["input_rate_hz"])


def write(out, rec):
    with open(os.path.join(out, "results.jsonl"), "a") as f:
        f.write(json.dumps(rec) + "\n")
    s = rec.get("summary") or {}
    cpu = rec.get("cpu", {})
    print(f"[{rec['tag']}] rooms {rec['rooms']}x{rec['players']} {rec['encoding']} {rec['tick_hz']} Hz: "
          f"ccu {s.get('ccu')} snap min {s.get('snapshots_min_bot_s')} p99 {s.get('p99_ms')} ms "
          f"inputs/bot/s {s.get('inputs_per_bot_s')} tester {s.get('tester_cpu_pct')}% "
          f"held={rec.get('held')} cpu={ {k: v['cpu_pct'] for k, v in cpu.items()} } "
          f"us/snapshot={rec.get('gateway_us_per_snapshot')} others={rec.get('others_cpu_pct')}% "
          f"switches/s={ {k: v['voluntary'] + v['involuntary'] for k, v in rec.get('context_switches_per_s', {}).items()} } "
          f"load={rec.get('load')}", flush=True)


# --------------------------------------------------------------------------------------------------- commands

def floor_tag(a):
    return "-floor" if a.server == "floor" else ""


def cmd_fixed(a, out):
    for rooms in a.rooms:
        tag = f"fixed{floor_tag(a)}-{a.encoding}-{rooms}x{a.players}-{a.tick_hz}hz-in{a.input_rate or a.tick_hz}"
        g, probe = start_single(a, out, tag)
        try:
            time.sleep(2)
            # The floor has no heap probe: no full GCs, no memory record (its RSS is still in "cpu").
            rec = measured_run(a, {"gateway": g}, {"gateway": probe}, rooms, out, tag, memory=a.server == "gateway")
            write(out, rec)
        finally:
            stop(g)


def cmd_search(a, out):
    """Bisection like the tester's --slo (double while held, then bisect to within 10 %; a broken room count is run
    again before it counts as broken), judged by criteria(a), one fresh gateway for the whole search."""
    tag = f"search{floor_tag(a)}-{a.encoding}-{a.players}p-{a.tick_hz}hz"
    g, probe = start_single(a, out, tag)
    steps = []
    try:
        time.sleep(2)
        lo, hi = 0, None
        rooms = a.start_rooms
        for step in range(a.max_steps):
            ok = False
            for attempt in range(a.attempts):
                rec = measured_run(a, {"gateway": g}, {"gateway": probe}, rooms, out, f"{tag}-step{step + 1}.{attempt + 1}")
                rec["step"] = step + 1
                write(out, rec)
                steps.append(rec)
                time.sleep(3)  # let the server free the rooms, as --slo does
                if rec.get("held"):
                    ok = True
                    break
            if ok:
                lo = max(lo, rooms)
            else:
                hi = rooms if hi is None else min(hi, rooms)
            if hi is None:
                rooms = rooms * 2
            else:
                if hi - lo <= max(1, math.ceil(0.10 * hi)):
                    break
                rooms = (lo + hi) // 2 if lo else max(1, hi // 2)
                if rooms in (lo, hi):
                    break
    finally:
        stop(g)
    best = max((s for s in steps if s.get("held")), key=lambda s: s["rooms"], default=None)
    res = {"tag": tag, "kind": "search_result", "players": a.players, "tick_hz": a.tick_hz, "encoding": a.encoding,
           "criteria": criteria(a), "held_rooms": lo, "broken_rooms": hi,
           "capacity_ccu": best["summary"]["ccu"] if best else 0, "steps": len(steps)}
    with open(os.path.join(out, "results.jsonl"), "a") as f:
        f.write(json.dumps(res) + "\n")
    print(json.dumps(res), flush=True)


def cmd_slo(a, out):
    """The tester's own --slo search against a fresh single-process gateway (SLO fixed at 19 snapshots/s, p99 100 ms)."""
    tag = f"slo{floor_tag(a)}-{a.encoding}"
    g, _ = start_single(a, out, tag)
    sampler = Sampler({"gateway": g}).start()
    try:
        time.sleep(2)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        args = tester_args(a, a.start_rooms, ["--slo", "--slo-attempts", str(a.attempts), "--report",
                                              os.path.join(out, tag + ".md")])
        summary, _, err, lines = run_tester(args, out, tag)
    finally:
        sampler.stop()
        stop(g)
    loads = [s[2][0] for s in sampler.samples]
    whole, _ = sampler.window(sampler.samples[0][0], sampler.samples[-1][0]) if sampler.samples else ({}, None)
    steps = [l for l in lines if l.startswith("slo step")]
    rec = {"tag": tag, "kind": "slo", "started": started, "encoding": a.encoding, "summary": summary, "steps": steps,
           "stderr": err, "cpu_whole_search": whole, "load1_min": min(loads) if loads else None, "load1_max": max(loads) if loads else None,
           "load1_mean": round(sum(loads) / len(loads), 2) if loads else None}
    with open(os.path.join(out, "results.jsonl"), "a") as f:
        f.write(json.dumps(rec) + "\n")
    for s in steps:
        print(s)
    print(json.dumps({k: rec[k] for k in ("tag", "cpu_whole_search", "load1_min", "load1_max", "load1_mean")}), json.dumps(summary), flush=True)


def cmd_cluster(a, out):
    tag = f"cluster{a.silos}"
    procs, probes, db = start_cluster(a, out, tag)
    try:
        time.sleep(3)
        for rooms in a.rooms:
            rec = measured_run(a, procs, probes, rooms, out, f"{tag}-{a.encoding}-{rooms}x{a.players}", memory=False)
            write(out, rec)
            if rec.get("cluster"):
                print("  /cluster:", json.dumps([{k: s.get(k) for k in ("name", "rooms", "players", "tickP99Ms", "tickLateP99Ms")}
                                                for s in rec["cluster"].get("silos", [])]), flush=True)
            time.sleep(4)
    finally:
        stop_all()
        try:
            psql("postgres", f"DROP DATABASE IF EXISTS {db}")
        except Exception as e:
            print(f"could not drop database {db}: {e}", file=sys.stderr)


# --------------------------------------------------------------------------------------------------- failover

FAULTS = ("kill", "freeze", "stop", "migrate")
SILO_ENDPOINT = re.compile(r"(\d+\.\d+\.\d+\.\d+|\[[0-9A-Fa-f:.]+\]):(\d+)")


def listening_ports(pid):
    """TCP ports process pid listens on: its socket inodes (/proc/PID/fd) looked up among the LISTEN rows of
    /proc/PID/net/tcp and tcp6 (those tables list the whole network namespace, hence the inode match)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if len(cols) > 9 and cols[3] == "0A" and cols[9] in inodes:  # 0A = LISTEN
                        ports.add(int(cols[1].rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            pass
    return ports


def silo_port(address):
    """The silo port in an Orleans silo address as GET /cluster shows it (S127.0.0.1:PORT:GENERATION), or None."""
    m = SILO_ENDPOINT.search(address or "")
    return int(m.group(2)) if m else None


def pick_silo(view, procs):
    """The active silo with the most rooms in a GET /cluster view, and the silo process (name, Popen) listening on its
    silo port. Returns (silo dict, port, name, Popen); name and Popen are None when no process of ours listens there."""
    silos = [x for x in view.get("silos", []) if x.get("status") == "active"]
    if not silos:
        raise RuntimeError(f"no active silo in GET /cluster: {view}")
    silo = max(silos, key=lambda x: (x.get("rooms") or 0, x.get("players") or 0))
    port = silo_port(silo.get("address"))
    for name, p in procs.items():
        if name.startswith("silo") and p.poll() is None:
            try:
                if port in listening_ports(p.pid):
                    return silo, port, name, p
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
    return silo, port, None, None


def http_post(url, timeout=30.0):
    """POST with an empty body; returns (status, body) also for error statuses."""
    req = urllib.request.Request(url, data=b"", method="POST", headers=operator_headers())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def dead_log_lines(path, limit=12):
    """Lines of a silo's log about it being declared dead or stopping on a fatal error."""
    pattern = re.compile(r"dead|fatal|failfast|kill ?myself|process terminated", re.IGNORECASE)
    try:
        with open(path, errors="replace") as f:
            hits = [line.rstrip("\n")[:400] for line in f if pattern.search(line)]
    except FileNotFoundError:
        return []
    return hits[:limit]


def wait_exit(p, timeout):
    """Seconds until process p exits (polling), or None if it still runs after timeout."""
    t = time.monotonic()
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        return None
    return round(time.monotonic() - t, 2)


FIGURES = ("ccu", "target_ccu", "gap_max_ms", "gap_p50_ms", "gap_p99_ms", "ack_regressions", "disconnects", "errors",
           "errors_by_code", "p99_ms", "max_ms", "snapshots_min_bot_s", "connect_failures", "join_failures", "join_p99_ms")


def rooms_by_gap(report_path):
    """The tester report's table of the rooms with the longest gaps between maps (longest first), as dicts."""
    rows, inside = [], False
    try:
        with open(report_path) as f:
            for line in f:
                if line.startswith("## "):
                    inside = line.startswith("## Longest gaps between maps, by room")
                elif inside and line.startswith("| `"):
                    cells = [c.strip() for c in line.strip().strip("|").split("|")]
                    rows.append({"room": cells[0].strip("`"), "bots": int(cells[1]), "gap_ms": float(cells[2]),
                                 "gap_best_bot_ms": float(cells[3]), "ack_regression_bots": int(cells[4])})
    except (FileNotFoundError, ValueError, IndexError):
        pass
    return rows


SILO_STATUS = {0: "none", 1: "created", 2: "joining", 3: "active", 4: "shutting_down", 5: "stopping", 6: "dead"}


def watch_membership(db, port, t_fault, until, out):
    """Polls the silo's row in the cluster's membership table (orleans_membership, in PostgreSQL: no call through the
    cluster, which may hang while a silo is frozen) every 0.25 s until it is Dead or until monotonic time `until`.
    Fills out: status changes and the first suspicion vote, in seconds after the fault."""
    kv = dict(x.split("=", 1) for x in DEFAULT_PG.split(";"))
    env = dict(os.environ, PGPASSWORD=kv["Password"])
    sql = (f"SELECT status, coalesce(suspect_times, '') FROM orleans_membership WHERE port = {int(port)} "
           f"ORDER BY generation DESC LIMIT 1")
    out.update({"statuses": [], "suspected_after_s": None, "declared_dead_after_s": None})
    last = None
    while time.monotonic() < until:
        try:
            row = subprocess.run(["psql", "-h", kv["Host"], "-p", kv["Port"], "-U", kv["Username"], "-d", db, "-qtAc", sql],
                                 capture_output=True, text=True, env=env, timeout=5).stdout.strip()
        except (subprocess.SubprocessError, OSError) as e:
            out["error"] = str(e)
            break
        after = round(time.monotonic() - t_fault, 2)
        if row:
            status, suspects = row.split("|", 1)
            if suspects and out["suspected_after_s"] is None:
                out["suspected_after_s"] = after
            if status != last:
                out["statuses"].append({"after_s": after, "status": SILO_STATUS.get(int(status), status)})
                last = status
            if status == "6":
                out["declared_dead_after_s"] = after
                break
        time.sleep(0.25)


def figures(summary):
    return {k: summary.get(k) for k in FIGURES} if summary else None


def failover_one(a, out, fault):
    """One fault on a fresh cluster (its own database): the tester plays --rooms x --players; --fault-after s into its
    window the fault hits the active silo with the most rooms (or, for migrate, one room), a small probe run of fresh
    players in fresh rooms starts at once, and the record gets both runs' figures and the cluster before and after."""
    tag = f"failover-{fault}-{a.silos}silos-{a.rooms[0]}x{a.players}"
    run_id, probe_id = fault, fault + "probe"  # room ids load-<run>-<n>; each fault has a fresh database anyway
    rec = {"tag": tag, "kind": "failover", "fault": fault, "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "silos": a.silos, "rooms": a.rooms[0], "players": a.players, "encoding": a.encoding, "duration_s": a.duration,
           "warmup_s": a.warmup, "fault_after_s": a.fault_after, "run_id": run_id}
    procs, _, db = start_cluster(a, out, tag)
    state = {"continued": False, "target": None}
    fault_thread = [None]
    try:
        time.sleep(3)

        def probe_run():
            args = ["--url", f"ws://127.0.0.1:{a.port}/ws", "--rooms", str(a.probe_bots), "--players", "1",
                    "--duration", "2", "--warmup", "0", "--ramp", str(a.probe_ramp), "--run-id", probe_id,
                    "--encoding", a.encoding, "--input-rate", str(a.input_rate or a.tick_hz), "--no-cluster",
                    "--report", os.path.join(out, tag + "-probe.report.md")]
            try:
                summary, _, err, _ = run_tester(args, out, tag + "-probe", timeout=120)
                rec["probe"] = {"bots": a.probe_bots, "ramp_per_s": a.probe_ramp, "figures": figures(summary),
                                "summary": summary, "tester_warnings": err}
            except Exception as e:  # recorded, the run goes on
                rec["probe"] = {"error": f"{type(e).__name__}: {e}"}

        def apply_fault(t0):
            try:
                time.sleep(max(0.0, t0 + a.fault_after - time.monotonic()))
                rec["cluster_before"] = view = cluster_view(a.port)
                target = {}
                if fault == "migrate":
                    target["room"] = f"load-{run_id}-0"
                else:
                    silo, port, name, p = pick_silo(view, procs)
                    target.update({"silo": silo.get("name"), "address": silo.get("address"), "port": port,
                                   "rooms": silo.get("rooms"), "players": silo.get("players"), "process": name,
                                   "pid": p.pid if p else None})
                    if p is None:
                        raise RuntimeError(f"no silo process of ours listens on port {port} of {silo.get('address')}")
                    state["target"] = p
                rec["target"] = target
                probe = threading.Thread(target=probe_run, daemon=True)
                membership = {}
                watcher = None
                t_fault = time.monotonic()
                rec["fault_at_window_s"] = round(t_fault - t0, 2)
                if fault == "kill":
                    os.kill(p.pid, signal.SIGKILL)
                elif fault == "freeze":
                    os.kill(p.pid, signal.SIGSTOP)
                elif fault == "stop":
                    os.kill(p.pid, signal.SIGTERM)
                probe.start()
                if fault != "migrate":
                    rec["membership"] = membership
                    watcher = threading.Thread(target=watch_membership, daemon=True,
                                               args=(db, target["port"], t_fault, t_fault + a.freeze_seconds + 15, membership))
                    watcher.start()
                if fault == "migrate":
                    status, body = http_post(f"http://127.0.0.1:{a.port}/cluster/rooms/{target['room']}/migrate")
                    rec["migrate"] = {"status": status, "body": body[:2000], "answered_after_s": round(time.monotonic() - t_fault, 3)}
                elif fault == "kill":
                    rec["exit_code"] = p.wait(10)
                elif fault == "stop":
                    rec["exited_after_s"] = wait_exit(p, 60)
                    rec["exit_code"] = p.poll()
                elif fault == "freeze":
                    time.sleep(max(0.0, t_fault + a.freeze_seconds - time.monotonic()))
                    os.kill(p.pid, signal.SIGCONT)
                    state["continued"] = True
                    t_cont = time.monotonic()
                    rec["continued_at_window_s"] = round(t_cont - t0, 2)
                    exited = wait_exit(p, 10)
                    rec["frozen"] = {"seconds": a.freeze_seconds, "exited_after_cont_s": exited,
                                     "alive_10s_after_cont": p.poll() is None, "exit_code": p.poll(),
                                     "dead_log_lines": dead_log_lines(os.path.join(out, p.perf_name + ".log"))}
                if watcher is not None:
                    watcher.join(60)
                probe.join(180)
            except Exception as e:  # recorded, the run goes on
                rec["error"] = f"{type(e).__name__}: {e}"

        def on_window(t0, _t1):
            fault_thread[0] = threading.Thread(target=apply_fault, args=(t0,), daemon=True)
            fault_thread[0].start()

        report = os.path.join(out, tag + ".report.md")
        extra = ["--run-id", run_id, "--report", report]
        summary, window, err, _ = run_tester(tester_args(a, a.rooms[0], extra), out, tag, on_window,
                                             timeout=a.duration + a.warmup + 300)
        if fault_thread[0] is not None:
            fault_thread[0].join(120)
        else:
            rec.setdefault("error", "the tester's measurement window never opened (no bot joined?)")
        rec["figures"] = figures(summary)
        rec["rooms_by_gap"] = rooms_by_gap(report)
        rec["summary"] = summary
        rec["tester_warnings"] = err
        rec["cluster_after"] = cluster_view(a.port)
    finally:
        p = state["target"]
        if fault == "freeze" and p is not None and not state["continued"] and p.poll() is None:
            os.kill(p.pid, signal.SIGCONT)  # never leave a stopped process behind
        stop_all()
        try:
            psql("postgres", f"DROP DATABASE IF EXISTS {db}")
        except Exception as e:
            print(f"could not drop database {db}: {e}", file=sys.stderr)
    return rec


def failover_line(rec):
    f = rec.get("figures") or {}
    t = rec.get("target") or {}
    pr = (rec.get("probe") or {}).get("figures") or {}
    what = (f"room {t.get('room')}" if rec["fault"] == "migrate"
            else f"{t.get('process')} (pid {t.get('pid')}, port {t.get('port')}, {t.get('rooms')} rooms)")
    extra = ""
    m = rec.get("membership")
    if m:
        extra += (f" membership: suspected after {m.get('suspected_after_s')} s, dead after {m.get('declared_dead_after_s')} s "
                  f"({', '.join(str(x['after_s']) + ' ' + x['status'] for x in m.get('statuses', []))});")
    if rec["fault"] == "migrate" and rec.get("migrate"):
        extra += f" migrate HTTP {rec['migrate']['status']} in {rec['migrate']['answered_after_s']} s;"
    if rec["fault"] == "freeze" and rec.get("frozen"):
        fr = rec["frozen"]
        extra += (f" after SIGCONT: exited after {fr['exited_after_cont_s']} s (code {fr['exit_code']}), alive 10 s later "
                 f"{fr['alive_10s_after_cont']}, {len(fr['dead_log_lines'])} 'dead' log lines;")
    if rec["fault"] == "stop":
        extra += f" silo exited after {rec.get('exited_after_s')} s (code {rec.get('exit_code')});"
    return (f"[{rec['tag']}] {rec['fault']} {what} at window+{rec.get('fault_at_window_s')} s:{extra} "
            f"gap max {f.get('gap_max_ms')} ms p50 {f.get('gap_p50_ms')} p99 {f.get('gap_p99_ms')} "
            f"(longest rooms, s: {[round(r['gap_ms'] / 1000, 1) for r in rec.get('rooms_by_gap', [])[:12]]}); "
            f"ack regressions {f.get('ack_regressions')} bots; disconnects {f.get('disconnects')}; ccu {f.get('ccu')}/{f.get('target_ccu')}; "
            f"errors {f.get('errors_by_code')}; p99 {f.get('p99_ms')} ms | probe: connect failures {pr.get('connect_failures')} "
            f"join failures {pr.get('join_failures')} errors {pr.get('errors_by_code')} join p99 {pr.get('join_p99_ms')} ms"
            + (f" | ERROR {rec['error']}" if rec.get("error") else ""))


def cmd_failover(a, out):
    for fault in a.faults:
        rec = failover_one(a, out, fault)
        with open(os.path.join(out, "results.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")
        print(failover_line(rec), flush=True)
        time.sleep(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["fixed", "search", "slo", "cluster", "failover"])
    ap.add_argument("--rooms", default=None, help="rooms, comma-separated for several runs (fixed, cluster; default 125); failover: one number (default 40)")
    ap.add_argument("--start-rooms", type=int, default=100, help="first step of slo/search")
    ap.add_argument("--players", type=int, default=8)
    ap.add_argument("--max-players", type=int, default=0, help="gateway/silo --Arena:MaxPlayers (default: --players if not 8)")
    ap.add_argument("--tick-hz", type=int, default=20, help="server --Arena:TickHz; the SLO and input rate follow it")
    ap.add_argument("--input-rate", type=int, default=0, help="tester --input-rate (default: the tick rate)")
    ap.add_argument("--encoding", choices=["json", "binary"], default="json")
    ap.add_argument("--duration", type=float, default=None, help="tester's measured seconds (default 10; failover 40)")
    ap.add_argument("--warmup", type=float, default=None, help="tester's warm-up seconds (default 3; failover 5)")
    ap.add_argument("--ramp", type=float, default=400)
    ap.add_argument("--attempts", type=int, default=2)
    ap.add_argument("--max-steps", type=int, default=8)
    ap.add_argument("--silos", type=int, default=0, help="cluster: number of silo processes; failover: default 2")
    ap.add_argument("--faults", default=",".join(FAULTS),
                    help=f"failover: comma-separated faults (default {','.join(FAULTS)}), each on a fresh cluster: kill (SIGKILL the silo with the most rooms), "
                         "freeze (SIGSTOP it, SIGCONT after --freeze-seconds), stop (SIGTERM it: graceful), migrate "
                         "(POST /cluster/rooms/<a room>/migrate)")
    ap.add_argument("--fault-after", type=float, default=8, help="failover: seconds into the tester's window when the fault hits")
    ap.add_argument("--freeze-seconds", type=float, default=12, help="failover: how long freeze keeps the silo stopped")
    ap.add_argument("--probe-bots", type=int, default=40,
                    help="failover: fresh players (one per fresh room) the probe run starts right after the fault")
    ap.add_argument("--probe-ramp", type=float, default=4,
                    help="failover: the probe's bots per second (40 at 4/s: one hello+join every 250 ms for the 10 s after the fault)")
    ap.add_argument("--pg-pool", type=int, default=20, help="cluster: Npgsql Maximum Pool Size per process (0 = Npgsql default 100)")
    ap.add_argument("--port", type=int, default=DEFAULT_PORT, help="gateway port on 127.0.0.1 (checked free)")
    ap.add_argument("--server", choices=["gateway", "floor"], default="gateway",
                    help="fixed, search, slo: the server measured; floor = the issue-11 C floor (scripts/perf/floor/build.sh), "
                         "JSON only, keyed \"gateway\" in cpu with \"server\": \"floor\" in the record")
    ap.add_argument("--reports", action="store_true", help="fixed/cluster: the tester writes its Markdown report (histogram, bot failure reasons) beside the logs")
    ap.add_argument("--workstation-gc", action="store_true", help="run the gateway with DOTNET_gcServer=0")
    ap.add_argument("--out", default=None, help="results folder (default /tmp/game-perf/runs/<time>)")
    ap.add_argument("--max-seconds", type=float, default=900, help="hard limit for the whole command")
    a = ap.parse_args()
    failover = a.command == "failover"
    a.rooms = [int(x) for x in (a.rooms or ("40" if failover else "125")).split(",")]
    a.duration = a.duration if a.duration is not None else (40 if failover else 10)
    a.warmup = a.warmup if a.warmup is not None else (5 if failover else 3)
    if failover:
        a.silos = a.silos or 2
        a.faults = [f.strip() for f in a.faults.split(",") if f.strip()]
        bad = [f for f in a.faults if f not in FAULTS]
        if bad or not a.faults:
            ap.error(f"--faults: {bad or 'none given'}: choose among {','.join(FAULTS)}")
        if a.silos < 2:
            ap.error("failover needs --silos 2 or more (the rooms must have somewhere to go)")
        if len(a.rooms) != 1:
            ap.error("failover takes one --rooms number")
        needed = a.fault_after + (a.freeze_seconds + 12 if "freeze" in a.faults else 10) + 2
        if a.duration < needed:
            ap.error(f"--duration {a.duration} is too short: the fault comes {a.fault_after} s into the window and needs "
                     f"about {needed - a.fault_after:.0f} s after it (use {needed:.0f} or more)")
    if a.command == "cluster" and a.silos < 1:
        ap.error("cluster needs --silos N (1 or more)")
    if a.server == "floor" and (a.command not in ("fixed", "search", "slo") or a.encoding != "json"):
        ap.error("--server floor: fixed, search or slo, with --encoding json")
    out = a.out or os.path.join("/tmp/game-perf/runs", datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    parts = (("floor/floor", "loadtest/Game.LoadTest.dll") if a.server == "floor" else
             ("gateway/Game.Gateway.dll", "silo/Game.Silo.dll", "loadtest/Game.LoadTest.dll", "probe/Game.Perf.HeapProbe.dll"))
    for part in parts:
        if not os.path.exists(os.path.join(BIN, part)):
            ap.error(f"{BIN}/{part} missing: run scripts/perf/{'floor/' if part.startswith('floor') else ''}build.sh first")
    install_guards(a.max_seconds)
    print(f"results: {out}/results.jsonl  (load average now {loadavg()})", flush=True)
    {"fixed": cmd_fixed, "search": cmd_search, "slo": cmd_slo, "cluster": cmd_cluster, "failover": cmd_failover}[a.command](a, out)


if __name__ == "__main__":
    main()
