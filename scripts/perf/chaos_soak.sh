#!/bin/bash
# The 10-minute chaos soak of docs/reliability.md: a fresh PostgreSQL database, 2 silos started (and restarted) by the
# load tester's --chaos, 1 gateway, 50 rooms x 8 players for 600 s, a fault every 60 s (kill, freeze, stop, PostgreSQL
# outage). Binaries from scripts/perf/build.sh in /tmp/game-perf/bin; Debian's PostgreSQL 15 (pg_ctlcluster), run as root.
# Output: /tmp/chaos-tester.log and the tester's report /tmp/chaos-report.md.
set -u
BIN=/tmp/game-perf/bin
DB=chaos_$(date +%H%M%S)
T=$(openssl rand -hex 16)
PGPASSWORD=game psql -h 127.0.0.1 -U game -d postgres -qc "CREATE DATABASE $DB"
export Cluster__Postgres="Host=127.0.0.1;Port=5432;Username=game;Password=game;Database=$DB;Maximum Pool Size=20"
export Admin__Token=$T GAME_CLUSTER_TOKEN=$T
cd /tmp
dotnet $BIN/loadtest/Game.LoadTest.dll --plain --url ws://127.0.0.1:5891/ws --rooms 50 --players 8 --duration 600 --warmup 10 \
  --chaos --chaos-cmd "dotnet $BIN/silo/Game.Silo.dll --Logging:LogLevel:Default=Warning" --chaos-cmd "dotnet $BIN/silo/Game.Silo.dll --Logging:LogLevel:Default=Warning" \
  --chaos-interval 60 --freeze-seconds 12 --pg-outage-seconds 10 --pg-stop-cmd "pg_ctlcluster 15 main stop" --pg-start-cmd "pg_ctlcluster 15 main start" \
  --chaos-startup-seconds 20 --report /tmp/chaos-report.md > /tmp/chaos-tester.log 2>&1 &
TESTER=$!
sleep 10
dotnet $BIN/gateway/Game.Gateway.dll --urls http://127.0.0.1:5891 --Gateway:MaxConnectionsPerIp=1000000 --Gateway:MaxUngreetedConnections=1000000 --Logging:LogLevel:Default=Warning > /tmp/chaos-gateway.log 2>&1 &
GW=$!
wait $TESTER
echo "tester exit $?"
kill $GW 2>/dev/null; wait $GW 2>/dev/null
pg_ctlcluster 15 main start 2>/dev/null
PGPASSWORD=game psql -h 127.0.0.1 -U game -d postgres -qc "DROP DATABASE IF EXISTS $DB"
