#!/usr/bin/env python3
"""Prints Markdown tables from a perf.py results file: python3 scripts/perf/summarize.py /tmp/game-perf/runs/<run>/results.jsonl

Tables: every measured run (CPU per process, µs per snapshot delivered, SLO verdict), memory of the fixed runs
(live heap after a full GC, RSS, committed), and /cluster views of cluster runs.
"""

import json
import sys

MIB = 2 ** 20


def main(path):
    recs = [json.loads(line) for line in open(path) if line.strip()]
    runs = [r for r in recs if r.get("summary") and r.get("rooms") and "kind" not in r]

    print("| run | start (UTC) | CCU / target | enc | Hz | p50 / p99 ms | snapshots/s lowest bot | inputs/bot/s (skipped) "
          "| tester CPU | server CPU (one core = 100 %) | gateway µs per snapshot | held | load avg (1 min) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        s = r["summary"]
        cpu = ", ".join(f"{k} {v['cpu_pct']}" for k, v in r.get("cpu", {}).items() if k != "machine")
        load = r.get("load") or {}
        print(f"| {r['tag']} | {r['started'][11:19]} | {s['ccu']} / {s['target_ccu']} | {r['encoding']} | {r['tick_hz']} "
              f"| {s['p50_ms']:.0f} / {s['p99_ms']:.0f} | {s['snapshots_min_bot_s']:.1f} "
              f"| {s['inputs_per_bot_s']:.1f} ({s['inputs_skipped']}) | {s['tester_cpu_pct']:.0f} % | {cpu} "
              f"| {r.get('gateway_us_per_snapshot', '')} | {'yes' if r.get('held') else 'no'} "
              f"| {load.get('load1_min', '')}–{load.get('load1_max', '')} |")

    mem = [r for r in runs if r.get("memory")]
    if mem:
        print()
        print("| run | bots | rooms | inputs/s per bot | fresh process: live heap / RSS (MiB) | loaded: live heap after full GC "
              "| committed | RSS after GC (MiB) | GC mode |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in mem:
            m = r["memory"]
            base = m["baseline"]["gateway"]
            after = (m.get("after_gc") or {}).get("gateway") or {}
            rss = (m.get("rss_after_gc") or {}).get("gateway") or 0
            print(f"| {r['tag']} | {r['summary']['ccu']} | {r['rooms']} | {r['input_rate']} "
                  f"| {base['live_heap'] / MIB:.1f} / {base['rss'] / MIB:.0f} | {after.get('heap_bytes', 0) / MIB:.1f} "
                  f"| {after.get('committed_bytes', 0) / MIB:.0f} | {rss / MIB:.0f} "
                  f"| {'server' if after.get('server_gc') else 'workstation'} |")

    clusters = [r for r in runs if r.get("cluster")]
    if clusters:
        print()
        print("| run | silo: rooms / players / tick p99 ms / CPU % | silo µs per room tick |")
        print("|---|---|---|")
        for r in clusters:
            silos = r["cluster"].get("silos", [])
            cpu = {k: v["cpu_pct"] for k, v in r.get("cpu", {}).items() if k.startswith("silo")}
            cells = "; ".join(f"{s['rooms']} / {s['players']} / {s['tickP99Ms']}" for s in silos)
            print(f"| {r['tag']} | {cells}; CPU {', '.join(f'{k} {v}' for k, v in cpu.items())} "
                  f"| {r.get('silo_us_per_room_tick', '')} |")

    tester_silos = [r for r in runs if r.get("summary", {}).get("silos")]
    if tester_silos:
        print()
        print("As the load tester reported them (its `silos` field: last /cluster sample, CPU = mean of the window's samples):")
        print()
        print("| run | CCU | held | silo | status | rooms | players | tick p99 ms | CPU % |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in tester_silos:
            for i, s in enumerate(r["summary"]["silos"]):
                first = i == 0
                cpu = "—" if s.get("cpu_pct") is None else f"{s['cpu_pct']:.0f}"
                print(f"| {r['tag'] if first else ''} | {r['summary']['ccu'] if first else ''} "
                      f"| {('yes' if r.get('held') else 'no') if first else ''} | {s.get('name') or s.get('address')} "
                      f"| {s.get('status', '')} | {s.get('rooms', '')} | {s.get('players', '')} "
                      f"| {s.get('tick_p99_ms', '')} | {cpu} |")

    for r in recs:
        if r.get("kind") == "search_result":
            print(f"\nsearch {r['tag']}: held {r['held_rooms']} rooms, broke {r['broken_rooms']} → capacity {r['capacity_ccu']} CCU "
                  f"(criteria {r['criteria']})")
        if r.get("kind") == "slo":
            print(f"\ntester --slo {r['tag']} (load avg {r['load1_min']}–{r['load1_max']}):")
            for step in r["steps"]:
                print("  " + step)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results.jsonl")
