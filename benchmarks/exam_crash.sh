#!/usr/bin/env bash
# Crash test (docs/benchmarks.md, "Exam peak"): during the exam peak, kill -9 the whole gunicorn
# process group, restart it, let the candidates go on, then count the saves the load generator
# saw acknowledged (HTTP 200 with its seq) and how many of them are in the database. Prints
# {"acknowledged_saves", "distinct_answers", "present", "lost"}; lost must be 0.
set -euo pipefail
MODE=crash exec "$(dirname "$0")/exam_peak.sh" "$@"
