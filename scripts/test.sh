#!/usr/bin/env bash
# Runs every test: installs what tests need (scripts/install-test-deps.sh), builds the solution, runs
# every xunit project and the browser client's node tests, then prints one closing line
# "N passed, N failed". Exit code 0 only if everything passed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh || { echo "installing test dependencies failed"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Game.sln -c Release -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
status=0
# Test assemblies run one after another (-m:1): they start real servers and share 2 cores.
dotnet test Game.sln -c Release --no-build -nologo -m:1 --logger "console;verbosity=normal" \
  --results-directory TestResults 2>&1 | tee "$log" || status=1

node_out=$(mktemp)
if command -v node >/dev/null 2>&1; then
  node --test web/tests/ 2>&1 | tee "$node_out" || status=1
fi

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
node_pass=$(grep -Eo '^# pass [0-9]+' "$node_out" | awk '{s+=$3} END {print s+0}')
node_fail=$(grep -Eo '^# fail [0-9]+' "$node_out" | awk '{s+=$3} END {print s+0}')
passed=$((passed + node_pass)); failed=$((failed + node_fail))
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
