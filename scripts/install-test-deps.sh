#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, and starts it:
#   - Chromium, for the real-browser test;
#   - PostgreSQL, for the clustering tests (membership table, grain directory, grain storage), with a login role
#     `game` (password `game`, may create databases) reachable over TCP at 127.0.0.1:5432.
# Idempotent and quick when everything is already there and running. Runs as root (CI) or through sudo.
# Prints the connection string the tests use; they read it from env GAME_TEST_POSTGRES, defaulting to the same.
set -euo pipefail

PG_ROLE=game
PG_PASSWORD=game
PG_PORT=5432
PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_ROLE;Password=$PG_PASSWORD;Database=postgres"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Runs a command as the postgres OS user (peer authentication over the local socket).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

pg_reachable() {
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d postgres \
    -tAqc 'select 1' >/dev/null 2>&1
}

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  need+=(postgresql)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! pg_reachable; then
  # The newest installed major version; its cluster "main" (created by the package, or here if it was removed).
  PG_VERSION=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_VERSION" ] || [ ! -f "/etc/postgresql/$PG_VERSION/main/postgresql.conf" ]; then
    PG_VERSION=${PG_VERSION:-$(ls /usr/lib/postgresql | sort -V | tail -n 1)}
    echo "Creating PostgreSQL $PG_VERSION cluster main on port $PG_PORT"
    $SUDO pg_createcluster "$PG_VERSION" main --port "$PG_PORT" >/dev/null
  fi
  if ! pg_lsclusters -h "$PG_VERSION" main 2>/dev/null | grep -q online; then
    echo "Starting PostgreSQL $PG_VERSION cluster main"
    $SUDO pg_ctlcluster "$PG_VERSION" main start
  fi
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 30 || { echo "PostgreSQL did not accept connections on 127.0.0.1:$PG_PORT"; exit 1; }
  # The role the tests log in as: creates (and drops) one database per test class; not a superuser.
  as_postgres psql -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -qc "
    DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
        CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
      ELSE
        ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
      END IF;
    END \$\$;" >/dev/null
  pg_reachable || { echo "PostgreSQL is running but role $PG_ROLE cannot log in over TCP 127.0.0.1:$PG_PORT (check pg_hba.conf)"; exit 1; }
fi

# The cluster tests start many processes at once (every silo, gateway and test "process" has its own pool):
# PostgreSQL's default of 100 connections for the whole server is too few for them. Raise it once (needs a restart).
max_connections=$(PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d postgres -tAqc 'show max_connections' 2>/dev/null)
if [ "${max_connections:-0}" -lt 300 ]; then
  PG_VERSION=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  echo "Raising PostgreSQL max_connections from ${max_connections:-?} to 300 (restarts the server)"
  as_postgres psql -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -qc "ALTER SYSTEM SET max_connections = 300" >/dev/null
  $SUDO pg_ctlcluster "$PG_VERSION" main restart
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 30 || { echo "PostgreSQL did not come back after the restart"; exit 1; }
fi

echo "Test dependencies present: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), $(psql --version | awk '{print "PostgreSQL " $3}')"
echo "PostgreSQL for tests (env GAME_TEST_POSTGRES, this is its default): $PG_CONN"
