#!/usr/bin/env bash
# Profiles the single-process gateway (with its co-hosted silo) under a fixed load with Linux perf, and prints where
# its CPU went by category (scripts/perf/profile_categories.py) and the top symbols.
#
#   bash scripts/perf/profile.sh [rooms=150] [players=8] [encoding=binary] [seconds=10]
#
# Uses the binaries of scripts/perf/build.sh ($GAME_PERF_BIN, default /tmp/game-perf/bin) and `perf` (Debian package
# linux-perf). The gateway runs with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 so that perf can name
# JIT-compiled methods. The load tester runs on the same machine, 20 s of warm-up before perf records. Output and the
# perf data go to $OUT (default /tmp/game-perf/profile-<time>). Extra environment for the gateway: GATEWAY_ENV="A=1 B=2".
set -euo pipefail
rooms=${1:-150}; players=${2:-8}; encoding=${3:-binary}; seconds=${4:-10}
bin=${GAME_PERF_BIN:-/tmp/game-perf/bin}
out=${OUT:-/tmp/game-perf/profile-$(date -u +%H%M%S)}
port=${PORT:-5762}
here=$(cd "$(dirname "$0")" && pwd)
command -v perf >/dev/null || { echo "perf is not installed (apt-get install -y linux-perf)" >&2; exit 2; }
[ -f "$bin/gateway/Game.Gateway.dll" ] || { echo "no binaries in $bin: run scripts/perf/build.sh" >&2; exit 2; }
mkdir -p "$out"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# shellcheck disable=SC2086
# Every bot connects from 127.0.0.1: lift the per-address and not-yet-welcomed caps (64 and 1,000 by default), or all
# but 64 bots are refused (the profile of 2026-11-30 01:09 UTC in docs/performance.md was of 64 players for this reason).
env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 Gateway__MaxConnectionsPerIp=1000000 Gateway__MaxUngreetedConnections=1000000 ${GATEWAY_ENV:-} \
  dotnet "$bin/gateway/Game.Gateway.dll" --urls "http://127.0.0.1:$port" --Arena:MaxPlayers="$players" > "$out/gateway.log" 2>&1 &
gw=$!; pids+=("$gw")
for _ in $(seq 1 60); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done

dotnet "$bin/loadtest/Game.LoadTest.dll" --url "ws://127.0.0.1:$port/ws" --rooms "$rooms" --players "$players" \
  --duration $((seconds + 15)) --warmup 15 --ramp 400 --encoding "$encoding" --plain > "$out/loadtest.log" 2>&1 &
lt=$!; pids+=("$lt")
sleep 20

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
g0=$(cpu "$gw"); t0=$(cpu "$lt")
perf record -F 499 -g -p "$gw" -o "$out/gateway.data" -- sleep "$seconds" > "$out/perf-record.log" 2>&1
g1=$(cpu "$gw"); t1=$(cpu "$lt")
tick=$(getconf CLK_TCK)
wait "$lt" || true

{
  echo "rooms $rooms x $players players, $encoding, perf over $seconds s"
  echo "gateway CPU: $(( (g1 - g0) * 100 / tick / seconds )) % of one core; load tester: $(( (t1 - t0) * 100 / tick / seconds )) %"
  echo "load tester summary: $(tail -1 "$out/loadtest.log")"
  echo
  perf script -i "$out/gateway.data" -F ip,sym,dso 2>/dev/null | python3 "$here/profile_categories.py"
  echo
  echo "Top symbols (self time):"
  perf report -i "$out/gateway.data" --no-children --sort sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 | cut -c1-180
} | tee "$out/summary.txt"
