#!/usr/bin/env bash
# Builds the issue-11 floor server (floor.c, C11, libc only) into $GAME_PERF_BIN/floor/floor
# (default /tmp/game-perf/bin/floor/floor), where scripts/perf/perf.py --server floor looks for it.
set -euo pipefail
cd "$(dirname "$0")"
out=${GAME_PERF_BIN:-/tmp/game-perf/bin}/floor/floor
mkdir -p "$(dirname "$out")"
gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$out" floor.c
echo "floor built: $out"
