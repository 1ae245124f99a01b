#!/usr/bin/env bash
# wrk-feed.sh: a bounded load run against a feed of a Samkal server running
# on this machine (loopback only). It measures serving a cached, unchanged
# feed over real HTTP: plain, gzipped, and revalidated (If-None-Match -> 304).
#
# Usage (from the repository root):
#
#   # 1. a server on a fresh database, with an admin token for the seeding:
#   go build -o /tmp/samkal ./cmd/samkal
#   SAMKAL_DB=/tmp/samkal-bench.db SAMKAL_ADDR=127.0.0.1:8080 SAMKAL_LOG_LEVEL=warn \
#     SAMKAL_ADMIN_TOKEN=bench-admin-token-0123456789 /tmp/samkal serve &
#   # 2. seed a public body with 1,000 meetings, then load its feed:
#   SAMKAL_ADMIN_TOKEN=bench-admin-token-0123456789 SEED_MEETINGS=1000 docs/bench/wrk-feed.sh
#
# Environment:
#   BASE_URL           server to load (default http://127.0.0.1:8080); must be
#                      on 127.0.0.0/8, localhost or [::1]: nothing else is ever
#                      a target
#   FEED               path of the feed (default /feeds/bodies/bench-feed.ics)
#   SEED_MEETINGS      if set, first create the public body "bench-feed" and
#                      this many meetings in it through the API (needs
#                      SAMKAL_ADMIN_TOKEN); a body that exists is reused
#   THREADS, CONNECTIONS, DURATION   wrk's -t, -c, -d (default 2, 32, 10s)
#
# The run is bounded: three wrk runs of DURATION each, then it stops.
set -euo pipefail

BASE_URL=${BASE_URL:-http://127.0.0.1:8080}
FEED=${FEED:-/feeds/bodies/bench-feed.ics}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}

fail() { echo "wrk-feed.sh: $*" >&2; exit 1; }

host=$(printf '%s' "$BASE_URL" | sed -E 's#^https?://(\[[^]]*\]|[^:/]*).*#\1#')
case "$host" in
  127.*|localhost|"[::1]") ;;
  *) fail "BASE_URL $BASE_URL is not on this machine; load runs target 127.0.0.1, localhost or [::1] only" ;;
esac
case "$DURATION" in
  [1-9]s|[1-5][0-9]s|60s) ;;
  *) fail "DURATION $DURATION: use 1s to 60s" ;;
esac
command -v wrk >/dev/null || fail "wrk is not installed: apt-get install -y wrk"
command -v curl >/dev/null || fail "curl is not installed: apt-get install -y curl"
curl -fsS --max-time 5 "$BASE_URL/healthz" >/dev/null || fail "no healthy Samkal server at $BASE_URL (GET /healthz failed)"

if [ -n "${SEED_MEETINGS:-}" ]; then
  [ -n "${SAMKAL_ADMIN_TOKEN:-}" ] || fail "SEED_MEETINGS needs SAMKAL_ADMIN_TOKEN"
  api() {
    curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $SAMKAL_ADMIN_TOKEN" \
      -H 'Content-Type: application/json' --data "$3" "$BASE_URL$2"
  }
  code=$(api POST /api/v1/bodies '{"slug":"bench-feed","name":"Lastprov","kind":"working-group","visibility":"public"}')
  case "$code" in
    201|409) ;;
    *) fail "creating the body bench-feed: HTTP $code" ;;
  esac
  echo "seeding $SEED_MEETINGS meetings (every weekday from 2025-01-06, 13.00-16.30) ..."
  day=2025-01-06
  n=0
  while [ "$n" -lt "$SEED_MEETINGS" ]; do
    if [ "$(date -d "$day" +%u)" -le 5 ]; then
      status=confirmed
      [ $((n % 7)) -eq 0 ] && status=cancelled
      code=$(api POST /api/v1/meetings "{\"bodies\":[\"bench-feed\"],\"title\":\"Lastprov $n\",\"start\":\"${day}T13:00\",\"end\":\"${day}T16:30\",\"status\":\"$status\",\"location\":\"Eklundavägen 1, Örebro\"}")
      [ "$code" = 201 ] || fail "creating meeting $n on $day: HTTP $code"
      n=$((n + 1))
    fi
    day=$(date -d "$day + 1 day" +%F)
  done
fi

url="$BASE_URL$FEED"
size=$(curl -fsS --max-time 10 -o /dev/null -w '%{size_download}' "$url") || fail "GET $url failed"
gzsize=$(curl -fsS --max-time 10 -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$url")
etag=$(curl -fsS --max-time 10 -D - -o /dev/null "$url" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
echo "feed $url: $size bytes, $gzsize bytes gzipped, ETag $etag"

run() {
  echo
  echo "== $1: wrk -t$THREADS -c$CONNECTIONS -d$DURATION ${2:+-H '$2'}"
  if [ -n "$2" ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$2" "$url"
  else
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url"
  fi
}
run "identity" ""
run "gzip" "Accept-Encoding: gzip"
run "304 (If-None-Match)" "If-None-Match: $etag"
