#!/bin/sh
# One-shot: creates the temporal and temporal_visibility databases and brings their schemas to the
# version this admin-tools image ships. Safe to run on every `docker compose up`: creating an
# existing database is tolerated, setup-schema -v 0.0 only adds the version table, and
# update-schema applies only what is missing.
set -eu

: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
PLUGIN=postgres12
HOST=${POSTGRES_SEEDS:-postgresql}
PORT=${DB_PORT:-5432}
USER=${POSTGRES_USER:-temporal}
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin "$PLUGIN" --ep "$HOST" -p "$PORT" -u "$USER" "$@"
}

for pair in "temporal:temporal" "temporal_visibility:visibility"; do
  db=${pair%%:*}
  dir=${pair#*:}
  echo "schema: database $db"
  sql --db "$db" create || echo "schema: $db already exists, keeping it"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$SCHEMA_ROOT/$dir/versioned"
done
echo "schema: done"
