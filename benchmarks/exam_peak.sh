#!/usr/bin/env bash
# Exam peak (docs/benchmarks.md, "Exam peak"): PostgreSQL, gunicorn on 127.0.0.1, locust.
#   1. `safetrain exams bench-setup`: $CANDIDATES workers, a $QUESTIONS-question exam for them all,
#      every attempt started (the peak measured is the answering; starts resume them)
#   2. reference: $SAT_USERS locust users calling GET /api/v1/ping with no think time ($SAT_TIME)
#   3. the same number of users saving answers with no think time ($SAT_TIME): save throughput
#   4. the peak: $CANDIDATES candidates starting the exam and answering with think time $WAIT s
#      for $RUNTIME; p50/p95/p99 and errors per endpoint
# Prints each phase's table and the save/ping throughput ratio; drops the database at the end
# (KEEP_DB=1 keeps it; FIXTURES=file with DB=name reuses it). MODE=crash instead runs the crash test (benchmarks/exam_crash.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
CANDIDATES=${CANDIDATES:-2000}
QUESTIONS=${QUESTIONS:-50}
WORKERS=${WORKERS:-4}
SAT_USERS=${SAT_USERS:-32}
SAT_TIME=${SAT_TIME:-20s}
RUNTIME=${RUNTIME:-90s}
SPAWN=${SPAWN:-100}
WAIT=${WAIT:-10,40}
PGBASE=${PGBASE:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-st_exam_peak}
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8766}
OUT=${OUT:-$(mktemp -d /tmp/safetrain-exampeak.XXXXXX)}
LOCUST="$(dirname "$PY")/locust"
[ -x "$LOCUST" ] || { echo "needs locust: $(dirname "$PY")/pip install -e '.[bench]'"; exit 1; }

export DATABASE_URL="$PGBASE/$DB" SAFETRAIN_DATA_DIR="$OUT/data" DEBUG=0 DB_CONN_MAX_AGE=60
unset SAFETRAIN_TESTING || true
mkdir -p "$SAFETRAIN_DATA_DIR"
GPID=""
start_server() {
  setsid "$PY" -m gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --timeout 60 --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
  GPID=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/api/v1/ping" >/dev/null && return; sleep 0.5; done
  echo "gunicorn did not start"; exit 1
}
stop_server() {
  if [ -n "$GPID" ]; then kill "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true; GPID=""; fi
}
cleanup() {
  stop_server
  if [ -z "${KEEP_DB:-}" ]; then psql "$PGBASE/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; fi
}
trap cleanup EXIT

table() {
  "$PY" - "$1" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'endpoint':40} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")
for r in rows:
    print(f"{r['Name'][:40]:40} {r['Request Count']:>8} {r['Failure Count']:>6} "
          f"{r['50%']:>6} {r['95%']:>6} {r['99%']:>6} {float(r['Requests/s']):>7.1f}")
PYEOF
}
rps() {  # requests/s of one endpoint in a locust stats csv
  "$PY" -c "import csv,sys; print(next(float(r['Requests/s']) for r in csv.DictReader(open(sys.argv[1])) if r['Name']==sys.argv[2]))" "$1" "$2"
}
run_locust() {  # name users spawn runtime wait class...
  local name=$1 users=$2 spawn=$3 runtime=$4 wait=$5; shift 5
  EXAM_FIXTURES="$OUT/fixtures.json" EXAM_WAIT="$wait" EXAM_ACKS="${ACKS:-}" \
    "$LOCUST" -f benchmarks/exam_locustfile.py --headless -u "$users" -r "$spawn" \
    --run-time "$runtime" --host "http://127.0.0.1:$PORT" --csv "$OUT/$name" --only-summary \
    --loglevel WARNING "$@" 2>"$OUT/$name.log" || true
}

if [ -n "${FIXTURES:-}" ]; then  # reuse a database set up by an earlier run (with KEEP_DB=1)
  cp "$FIXTURES" "$OUT/fixtures.json"
  echo "reusing $DB and $FIXTURES"
  "$PY" -m safetrain migrate -v0
  "$PY" -m safetrain exams bench-start --out "$OUT/fixtures.json"
else
  psql "$PGBASE/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  "$PY" -m safetrain migrate -v0
  /usr/bin/time -f "setup: %e s" "$PY" -m safetrain exams bench-setup --candidates "$CANDIDATES" \
    --questions "$QUESTIONS" --out "$OUT/fixtures.json"
fi
start_server
echo "gunicorn: $WORKERS workers on 127.0.0.1:$PORT; nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${MODE:-peak}" = "crash" ]; then
  ACKS="$OUT/acks.jsonl"; export ACKS
  : > "$ACKS"
  echo "crash test: $CANDIDATES candidates for $RUNTIME, think time $WAIT s; kill -9 after ${KILL_AFTER:-40} s"
  run_locust crash "$CANDIDATES" "$SPAWN" "$RUNTIME" "$WAIT" CandidateUser &
  LPID=$!
  sleep "${KILL_AFTER:-40}"
  acked_before=$(wc -l < "$ACKS")
  # the whole gunicorn process group (setsid made the master its leader): master and workers
  kill -9 -- "-$GPID" 2>/dev/null || kill -9 "$GPID"
  wait "$GPID" 2>/dev/null || true
  GPID=""
  echo "killed gunicorn (kill -9) after $acked_before acknowledged saves; restarting in ${DOWN:-3} s"
  sleep "${DOWN:-3}"
  start_server
  echo "gunicorn restarted"
  wait "$LPID" || true
  table "$OUT/crash_stats.csv"
  echo "acknowledged saves: $(wc -l < "$ACKS") (before the kill: $acked_before)"
  "$PY" -m safetrain exams bench-check --acks "$ACKS"
  echo "results: $OUT"
  exit 0
fi

echo "== reference: GET /api/v1/ping, $SAT_USERS users, no think time, $SAT_TIME"
run_locust ping "$SAT_USERS" "$SAT_USERS" "$SAT_TIME" 0,0 PingUser
table "$OUT/ping_stats.csv"
echo "== answer saves, $SAT_USERS users, no think time, $SAT_TIME"
run_locust save "$SAT_USERS" "$SAT_USERS" "$SAT_TIME" 0,0 CandidateUser
table "$OUT/save_stats.csv"
ping=$(rps "$OUT/ping_stats.csv" /api/v1/ping)
save=$(rps "$OUT/save_stats.csv" "/api/v1/attempts/[id]/answers/[q]")
"$PY" -c "import sys; p,s=map(float,sys.argv[1:]); print(f'save throughput {s:.1f}/s vs ping {p:.1f}/s: {100*s/p:.0f}%')" "$ping" "$save"
echo "== exam peak: $CANDIDATES candidates, think time $WAIT s, spawn $SPAWN/s, $RUNTIME"
run_locust peak "$CANDIDATES" "$SPAWN" "$RUNTIME" "$WAIT" CandidateUser
table "$OUT/peak_stats.csv"
for pid in $(cat "/proc/$GPID/task/$GPID/children" 2>/dev/null); do
  awk -v p="$pid" '/VmHWM/ {printf "gunicorn worker %s: peak RSS %.0f MB\n", p, $2/1024}' "/proc/$pid/status"
done
echo "results: $OUT"
