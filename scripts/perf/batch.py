#!/usr/bin/env python3
"""Interleaved rounds of perf.py fixed runs, several builds and the issue-11 floor, and the table that compares them.
Python 3.9+, standard library only.

Issue 11 measures a build against the C floor "in the same run": on this shared machine one binary's CPU moves by
±10 % between runs, and the machine's speed from hour to hour, so builds are compared only in alternating rounds, one
measurement at a time (docs/performance.md, issue 11). This runs those rounds and prints the comparison.

    scripts/perf/build.sh; scripts/perf/floor/build.sh               # binaries in /tmp/game-perf/bin (build.sh's GAME_PERF_BIN)
    python3 scripts/perf/batch.py --rounds 3 floor start=/tmp/game-perf/bin-start end=/tmp/game-perf/bin
    python3 scripts/perf/batch.py --rounds 2 floor head=/tmp/game-perf/bin -- --rooms 50 --input-rate 10
    python3 scripts/perf/batch.py --summary /tmp/game-perf/batch-0102 floor start end   # the table again, no runs

Each build is NAME=DIR (a scripts/perf/build.sh output: DIR/gateway, DIR/loadtest); an optional ":VAR=VALUE,..." after
DIR sets the gateway's environment for that build only (a setting measured against the same binary without it).
"floor" (or floor=DIR) is the C floor, DIR/floor/floor, by default in the first build's DIR. Each round runs every
build once, in the order given; each run is `perf.py fixed` with the arguments after "--" (by default the issue's:
--rooms 100 --players 8 --encoding json --duration 40 --warmup 30) and --out OUT/NAME, so every run's record is in
OUT/NAME/results.jsonl. A run that fails is reported and the rounds go on.

The table, per build: the gateway's CPU in each run (% of one core), its user-space and kernel parts (means over the
runs that recorded them: perf.py keeps the user part from 2026-12-02 on), cores per 1,000 connected players (mean), that
against the floor's mean (x floor by CPU), the gateway's CPU over the tester's, mean, against the floor's (x floor by
the ratio: the tester's CPU follows the machine's speed, so this is the steadier figure), the p99 input-to-ack range
and the lowest bot's snapshots per second.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ISSUE_11_RUN = ["--rooms", "100", "--players", "8", "--encoding", "json", "--duration", "40", "--warmup", "30"]
FLOOR_PORT = "5077"


def parse_build(spec):
    """NAME=DIR[:VAR=VALUE,...] or floor[=DIR] -> (name, dir or None, {env})."""
    name, _, rest = spec.partition("=")
    if not name:
        raise SystemExit(f"batch.py: a build is NAME=DIR, not {spec!r}")
    directory, _, env_text = rest.partition(":")
    env = {}
    for pair in filter(None, env_text.split(",")):
        var, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"batch.py: {pair!r} in {spec!r} is not VAR=VALUE")
        if any(c.isspace() for c in pair):
            raise SystemExit(f"batch.py: {pair!r} in {spec!r} has white space (perf.py's GAME_PERF_GATEWAY_ENV cannot carry it)")
        env[var] = value
    if name != "floor" and not directory:
        raise SystemExit(f"batch.py: build {name!r} needs a directory (NAME=DIR)")
    return name, directory or None, env


def run_rounds(a, builds, extra):
    first_dir = next((d for n, d, _ in builds if n != "floor"), None)
    failed = 0
    for r in range(1, a.rounds + 1):
        for name, directory, env in builds:
            floor = name == "floor"
            bin_dir = directory or first_dir
            if floor and not os.path.exists(os.path.join(bin_dir or "", "floor", "floor")):
                raise SystemExit(f"batch.py: no floor binary in {bin_dir}/floor: run GAME_PERF_BIN={bin_dir} scripts/perf/floor/build.sh")
            cmd = [sys.executable, os.path.join(HERE, "perf.py"), "fixed", *extra, "--out", os.path.join(a.out, name)]
            if floor:
                cmd += ["--server", "floor", "--port", FLOOR_PORT]
            with open("/proc/loadavg") as f:
                load = " ".join(f.read().split()[:3])
            print(f"== {time.strftime('%H:%M:%S', time.gmtime())} UTC round {r} {name} (load {load})", flush=True)
            # The build's settings go to the gateway alone (perf.py's GAME_PERF_GATEWAY_ENV), not to the tester and the
            # heap probe: a runtime switch such as DOTNET_TieredPGO=0 in the whole environment would change the
            # tester's CPU as well, and with it the ratio (until 2026-12-02 16:50 UTC it did).
            child_env = dict(os.environ, GAME_PERF_BIN=bin_dir)
            if env:
                extra_env = " ".join(f"{var}={value}" for var, value in env.items())
                child_env["GAME_PERF_GATEWAY_ENV"] = f"{os.environ.get('GAME_PERF_GATEWAY_ENV', '')} {extra_env}".strip()
            done = subprocess.run(cmd, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            with open(os.path.join(a.out, f"{name}.log"), "a") as log:
                log.write(done.stdout)
            lines = [l for l in done.stdout.splitlines() if l.startswith("[")]
            print(lines[-1] if lines else done.stdout.strip()[-400:], flush=True)
            if done.returncode != 0:
                failed += 1
                print(f"   perf.py exited {done.returncode}; its output is in {a.out}/{name}.log", flush=True)
    return failed


def runs_of(out, name):
    path = os.path.join(out, name, "results.jsonl")
    if not os.path.exists(path):
        return []
    records = [json.loads(line) for line in open(path) if line.strip()]
    return [r for r in records if r.get("summary") and isinstance(r.get("cpu", {}).get("gateway"), dict)]


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def summary(out, names):
    rows = []
    for name in names:
        runs = runs_of(out, name)
        if not runs:
            print(f"(no runs of {name} in {out}/{name})")
            continue
        cpu = [r["cpu"]["gateway"]["cpu_pct"] for r in runs]
        ratio = [r["cpu"]["gateway"]["cpu_pct"] / r["summary"]["tester_cpu_pct"] for r in runs if r["summary"].get("tester_cpu_pct")]
        ccu = runs[0]["summary"]["ccu"]
        rows.append({
            "name": name, "cpu": cpu, "mean": mean(cpu), "per_1k": mean(cpu) / 100 / (ccu / 1000) if ccu else float("nan"),
            "ratio": mean(ratio), "p99": [r["summary"]["p99_ms"] for r in runs],
            # user-space share (perf.py records it from 2026-12-02 on): the kernel's share is what differs most by machine
            "user": mean([r["cpu"]["gateway"]["user_pct"] for r in runs if "user_pct" in r["cpu"]["gateway"]]),
            "system": mean([r["cpu"]["gateway"]["cpu_pct"] - r["cpu"]["gateway"]["user_pct"] for r in runs if "user_pct" in r["cpu"]["gateway"]]),
            "snapshots": min(r["summary"]["snapshots_min_bot_s"] for r in runs),
            "loads": [x for r in runs for x in ((r.get("load") or {}).get("load1_min"), (r.get("load") or {}).get("load1_max")) if x is not None],
        })
    floor = next((row for row in rows if row["name"] == "floor"), None)
    print("| build | gateway CPU, % of a core | user / system, mean | cores per 1,000 CCU | x floor by CPU | gateway/tester "
          "| x floor by the ratio | p99 input->ack, ms | lowest bot, snapshots/s | load (1 min) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        by_cpu = f"{row['mean'] / floor['mean']:.2f}" if floor and row is not floor else ""
        by_ratio = f"{row['ratio'] / floor['ratio']:.2f}" if floor and row is not floor else ""
        loads = f"{min(row['loads']):.1f}-{max(row['loads']):.1f}" if row["loads"] else ""
        split = f"{row['user']:.1f} / {row['system']:.1f}" if row["user"] == row["user"] else ""
        print(f"| {row['name']} | {', '.join(f'{c:.1f}' for c in row['cpu'])} (mean {row['mean']:.2f}) | {split} | {row['per_1k']:.3f} "
              f"| {by_cpu} | {row['ratio']:.3f} | {by_ratio} | {min(row['p99']):.1f}-{max(row['p99']):.1f} "
              f"| {row['snapshots']:.3f} | {loads} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builds", nargs="+", help="floor[=DIR] and NAME=DIR[:VAR=VALUE,...] (with --summary: just the names)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=None, help="results folder (default /tmp/game-perf/batch-<time>)")
    ap.add_argument("--summary", metavar="OUT", help="print the table of an earlier batch's folder; run nothing")
    argv = sys.argv[1:]
    extra = ISSUE_11_RUN
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    a = ap.parse_args(argv)
    if a.summary:
        summary(a.summary, [b.partition("=")[0] for b in a.builds])
        return 0
    builds = [parse_build(b) for b in a.builds]
    a.out = a.out or f"/tmp/game-perf/batch-{time.strftime('%m%d-%H%M%S', time.gmtime())}"
    os.makedirs(a.out, exist_ok=True)
    failed = run_rounds(a, builds, extra)
    print(f"\nresults: {a.out}\n")
    summary(a.out, [name for name, _, _ in builds])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
