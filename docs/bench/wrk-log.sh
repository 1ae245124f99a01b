#!/usr/bin/env bash
# wrk-log.sh: what the access log costs. Starts `samkal serve --demo` (the
# binary in $SAMKAL, default /tmp/samkal) at log level info and at warn, and
# the plain server docs/bench/fixedbytes writing the same feed bytes, all on
# 127.0.0.1 only, and loads each with wrk for a bounded time: the
# region-wide feed as 200 (plain and gzipped) and as 304 (If-None-Match).
# Logs go to a file, as they would to journald. Besides requests/s it
# prints the server's CPU time per request (from /proc/PID/stat), which
# other load on a shared machine disturbs much less than the rate.
#
# Usage (from the repository root):
#   go build -o /tmp/samkal ./cmd/samkal && go build -o /tmp/fixedbytes ./docs/bench/fixedbytes
#   docs/bench/wrk-log.sh
#
# Environment: SAMKAL, FIXEDBYTES (binaries), PORT (default 18471; the plain
# server uses PORT+1), DURATION (wrk -d, default 10s), ROUNDS (default 3:
# every configuration is loaded once per round, interleaved, so that other
# load on the machine spreads over all of them).
set -euo pipefail
SAMKAL=${SAMKAL:-/tmp/samkal}
FIXEDBYTES=${FIXEDBYTES:-/tmp/fixedbytes}
PORT=${PORT:-18471}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
case "$DURATION" in [1-9]s|[1-5][0-9]s|60s) ;; *) echo "DURATION: 1s to 60s" >&2; exit 1 ;; esac
case "$ROUNDS" in [1-9]) ;; *) echo "ROUNDS: 1 to 9" >&2; exit 1 ;; esac

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}" ${spid:-}; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_up() { for _ in $(seq 50); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "no answer from $1" >&2; exit 1; }

# One database with the demo data, shared by both servers (one at a time).
start_samkal() { # level
  SAMKAL_LOG_LEVEL=$1 SAMKAL_ADDR=127.0.0.1:$PORT SAMKAL_DB=$work/demo.db "$SAMKAL" serve --demo >/dev/null 2>>"$work/samkal-$1.log" &
  spid=$!
  wait_up "http://127.0.0.1:$PORT/healthz"
}
stop_samkal() { kill "$spid"; wait "$spid" 2>/dev/null || true; }

start_samkal info
"$FIXEDBYTES" -from "http://127.0.0.1:$PORT/feeds/all.ics" -addr "127.0.0.1:$((PORT + 1))" 2>/dev/null &
fpid=$!
pids+=($fpid)
wait_up "http://127.0.0.1:$((PORT + 1))/"
etag=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:$PORT/feeds/all.ics" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
size=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/feeds/all.ics")
gzsize=$(curl -fsS -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/feeds/all.ics")
stop_samkal
echo "feed /feeds/all.ics: $size bytes, $gzsize gzipped, ETag $etag; wrk -t2 -c32 -d$DURATION; $(nproc) cores; $(uptime | sed 's/.*load/load/')"

# cpu PID: the process's user+system CPU time so far, in clock ticks.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)

# load LABEL PID URL [wrk args]: requests/s, and the server's CPU time per
# request, which other load on the machine changes much less than the rate.
load() {
  local out before after n
  before=$(cpu "$2")
  out=$(wrk -t2 -c32 -d"$DURATION" "${@:4}" "$3")
  after=$(cpu "$2")
  n=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
  printf '%-24s %10s req/s %8s µs CPU/request\n' "$1" "$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(awk -v t="$((after - before))" -v n="$n" -v hz="$tick" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')"
}
for round in $(seq "$ROUNDS"); do
  echo "-- round $round ($(uptime | sed 's/.*load/load/'))"
  for level in info warn; do
    start_samkal "$level"
    u="http://127.0.0.1:$PORT/feeds/all.ics"
    load "samkal $level 304" "$spid" "$u" -H "If-None-Match: $etag"
    load "samkal $level 200 gzip" "$spid" "$u" -H 'Accept-Encoding: gzip'
    load "samkal $level 200 plain" "$spid" "$u"
    stop_samkal
  done
  u="http://127.0.0.1:$((PORT + 1))/feeds/all.ics"
  load "plain Go 304" "$fpid" "$u" -H "If-None-Match: $etag"
  load "plain Go 200 gzip" "$fpid" "$u" -H 'Accept-Encoding: gzip'
  load "plain Go 200 plain" "$fpid" "$u"
done
echo "log lines written at info: $(wc -l <"$work/samkal-info.log"), at warn: $(wc -l <"$work/samkal-warn.log")"
