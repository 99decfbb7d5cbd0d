#!/usr/bin/env bash
# Publishes the gateway, the silo, the load tester (Release) and the heap probe into $GAME_PERF_BIN
# (default /tmp/game-perf/bin) for scripts/perf/perf.py: a private copy, so that builds running at the same time
# cannot replace DLLs under a measurement. Prints the commit the binaries were built from.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${GAME_PERF_BIN:-/tmp/game-perf/bin}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for p in gateway:Gateway/Gateway.csproj silo:Silo/Silo.csproj loadtest:LoadTest/LoadTest.csproj; do
  name=${p%%:*}; proj=${p#*:}
  timeout 600 dotnet publish "$proj" -c Release -o "$out/$name" -nologo -v quiet
done
timeout 300 dotnet build scripts/perf/HeapProbe/HeapProbe.csproj -c Release -o "$out/probe" -nologo -v quiet
git rev-parse --short HEAD > "$out/COMMIT"
echo "binaries in $out (commit $(cat "$out/COMMIT")$(git diff --quiet HEAD -- Gateway Silo Grains Grains.Interfaces Streaming Protocol LoadTest || echo ', with uncommitted changes'))"
