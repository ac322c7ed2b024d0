#!/usr/bin/env bash
# Source me (as root): install Debian's PostgreSQL if absent, start its cluster, make sure the test role and
# database exist, and export CONFLICTMAP_TEST_DATABASE_URL. Safe to run again: every step checks first.
set -euo pipefail
if ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {found=1} END {exit !found}'; then
  pg_createcluster "$PG_VERSION" main >/dev/null
fi
if ! pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1; then
  pg_ctlcluster "$PG_VERSION" main start
fi
as_postgres() { su postgres -s /bin/sh -c "$1"; }
PG_TEST_USER="${PG_TEST_USER:-conflictmap}"
PG_TEST_DB="${PG_TEST_DB:-conflictmap_test}"
PG_TEST_PASSWORD="${PG_TEST_PASSWORD:-conflictmap}"
if [ "$(as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = '$PG_TEST_USER'\"")" != "1" ]; then
  as_postgres "psql -qc \"CREATE ROLE $PG_TEST_USER LOGIN PASSWORD '$PG_TEST_PASSWORD'\""
fi
if [ "$(as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = '$PG_TEST_DB'\"")" != "1" ]; then
  as_postgres "createdb -O $PG_TEST_USER $PG_TEST_DB"
fi
# The tests drop and recreate the public schema: the database's owner may (PostgreSQL 15+), no superuser needed.
export CONFLICTMAP_TEST_DATABASE_URL="postgresql://$PG_TEST_USER:$PG_TEST_PASSWORD@127.0.0.1/$PG_TEST_DB"
