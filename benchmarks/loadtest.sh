#!/usr/bin/env bash
# Load test (docs/benchmarks.md, "Load test"): a PostgreSQL database seeded with
# `seed city --persons $PERSONS`, the materialized compliance status and the dashboards' day
# cache (as after the nightly jobs), accounts and sessions,
# gunicorn with $WORKERS workers on 127.0.0.1, then locust headless with $USERS users for
# $RUNTIME or $MAX_REQUESTS requests. Prints p50/p95/p99 and errors per endpoint; drops the
# database at the end. Needs: make venv, pip install -e '.[bench]', PostgreSQL on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
PERSONS=${PERSONS:-20000}
USERS=${USERS:-500}
SPAWN=${SPAWN:-50}
RUNTIME=${RUNTIME:-90s}
MAX_REQUESTS=${MAX_REQUESTS:-40000}
WORKERS=${WORKERS:-4}
PGBASE=${PGBASE:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-safetrain_loadtest}
PY=${PY:-.venv/bin/python}
OUT=${OUT:-$(mktemp -d /tmp/safetrain-loadtest.XXXXXX)}
PORT=${PORT:-8765}
WAIT=${WAIT:-1,3}   # think time per user, seconds min,max

export DATABASE_URL="$PGBASE/$DB" SAFETRAIN_DATA_DIR="$OUT/data" DEBUG=0 DB_CONN_MAX_AGE=60
unset SAFETRAIN_TESTING || true
mkdir -p "$SAFETRAIN_DATA_DIR"
psql "$PGBASE/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

GPID=""
cleanup() {
  if [ -n "$GPID" ]; then kill "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true; fi
  if [ -z "${KEEP_DB:-}" ]; then psql "$PGBASE/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; fi
}
trap cleanup EXIT

$PY -m safetrain migrate -v0
echo "seed city --persons $PERSONS"
/usr/bin/time -f "seed: %e s, peak %M KB" $PY -m safetrain seed city --persons "$PERSONS" --quiet
/usr/bin/time -f "recompute: %e s, peak %M KB" $PY -m safetrain compliance recompute
# as the nightly jobs leave it (docs/deployment.md): the dashboards' day cache is built
/usr/bin/time -f "dashboards warm: %e s, peak %M KB" $PY -m safetrain dashboards warm
$PY -m safetrain bench --step fixtures --sample 2000 | tail -1 > "$OUT/fixtures.json"

$PY -m gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --timeout 60 --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GPID=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/api/v1/ping" >/dev/null && break; sleep 0.5; done

echo "locust: $USERS users, think time $WAIT s, spawn $SPAWN/s, $RUNTIME or $MAX_REQUESTS requests, $WORKERS gunicorn workers"
LOADTEST_FIXTURES="$OUT/fixtures.json" LOADTEST_MAX_REQUESTS="$MAX_REQUESTS" LOADTEST_WAIT="$WAIT" \
  "$(dirname "$PY")/locust" -f benchmarks/locustfile.py --headless -u "$USERS" -r "$SPAWN" \
  --run-time "$RUNTIME" --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary \
  --loglevel WARNING 2>"$OUT/locust.log" || true

# worker memory (peak resident set of each gunicorn worker)
for pid in $(cat "/proc/$GPID/task/$GPID/children" 2>/dev/null); do
  awk -v p="$pid" '/VmHWM/ {printf "gunicorn worker %s: peak RSS %.0f MB\n", p, $2/1024}' "/proc/$pid/status"
done

$PY - "$OUT/locust_stats.csv" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'endpoint':48} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")
for r in rows:
    print(f"{r['Name'][:48]:48} {r['Request Count']:>8} {r['Failure Count']:>6} "
          f"{r['50%']:>6} {r['95%']:>6} {r['99%']:>6} {float(r['Requests/s']):>7.1f}")
PYEOF
echo "results: $OUT"
