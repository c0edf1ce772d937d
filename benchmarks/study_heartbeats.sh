#!/usr/bin/env bash
# Study heartbeats (docs/benchmarks.md, "Study heartbeats"): $LEARNERS learners on PostgreSQL
# behind gunicorn ($WORKERS workers, 127.0.0.1), each sending a heartbeat every $PACE seconds
# (locust headless, bounded by $RUNTIME). Prints p50/p95/p99, requests/s and failures per
# endpoint; drops its database at the end. Needs: make venv, pip install -e '.[bench]',
# PostgreSQL on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${LEARNERS:-2000}
PACE=${PACE:-30}
SPAWN=${SPAWN:-100}
RUNTIME=${RUNTIME:-120s}
WORKERS=${WORKERS:-4}
PGBASE=${PGBASE:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-st_study_bench}
PY=${PY:-.venv/bin/python}
OUT=${OUT:-$(mktemp -d /tmp/safetrain-study-bench.XXXXXX)}
# a free loopback port (the machine is shared: never talk to someone else's server)
PORT=${PORT:-$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

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
$PY -m safetrain study bench-fixtures --learners "$LEARNERS" --out "$OUT/fixtures.json"

$PY -m gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --timeout 60 --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GPID=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null && break; sleep 0.5; done
kill -0 "$GPID" 2>/dev/null || { echo "gunicorn did not start (see $OUT/gunicorn.log)"; exit 1; }

echo "locust: $LEARNERS learners, a heartbeat every $PACE s (offered $(( LEARNERS / PACE )) /s), spawn $SPAWN/s, $RUNTIME, $WORKERS gunicorn workers"
STUDY_FIXTURES="$OUT/fixtures.json" STUDY_PACE="$PACE" \
  "$(dirname "$PY")/locust" -f benchmarks/study_locustfile.py --headless -u "$LEARNERS" -r "$SPAWN" \
  --run-time "$RUNTIME" --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary \
  --loglevel WARNING 2>"$OUT/locust.log" || true

$PY - "$OUT/locust_stats.csv" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'endpoint':34} {'requests':>8} {'errors':>6} {'p50':>5} {'p95':>5} {'p99':>5} {'max':>6} {'req/s':>7}")
for r in rows:
    print(f"{r['Name'][:34]:34} {r['Request Count']:>8} {r['Failure Count']:>6} "
          f"{r['50%']:>5} {r['95%']:>5} {r['99%']:>5} {float(r['Max Response Time']):>6.0f} {float(r['Requests/s']):>7.1f}")
PYEOF
psql "$DATABASE_URL" -Atc "SELECT 'sessions open: ' || count(*) FROM study_studysession WHERE ended_at IS NULL" \
  -c "SELECT 'credited seconds (all learners): ' || round(sum(credited_seconds)) FROM study_lessonprogress" \
  -c "SELECT 'refused heartbeats: ' || count(*) FROM study_heartbeatlog"
echo "results: $OUT"
