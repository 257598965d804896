#!/usr/bin/env bash
# search-bench.sh - latency of the REST API's search (feature sluice-web) over many events in
# PostgreSQL: the first page and the histogram of typical searches, medians of several runs.
#
# usage: search-bench.sh [--events N] [--days D] [--runs R]   (default 10000000 events, 7 days, 5 runs)
#
# A PostgreSQL of the run's own (Debian's binaries, initdb in a temp dir, a free loopback port);
# Sluice unpacked from karaf-assembly/target with its PostgreSQL shipper configured (it creates the
# schema: the table, partitions by day, every index), sluice-web booted and its search pointed at
# that database. The events are then written by SQL in chunks of 1,000,000 (the shipper's own write
# path is measured by pgsql-compare.sh): N events over the last D days, 200 hosts, 30 apps, a
# syslog-like severity mix, messages of words and numbers, fields {status, user}, a tag on 5 %.
# Each search is timed with curl end to end (HTTP, login, SQL, JSON), first run discarded.
# stdout: a markdown table; RESULT lines too.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

EVENTS=10000000 DAYS=7 RUNS=5
while (( $# )); do
  case $1 in
    --events) EVENTS=$2; shift ;;
    --days) DAYS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0" >&2; exit 2 ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
for v in EVENTS DAYS RUNS; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--${v,,} must be a positive number"; done
command -v curl >/dev/null || die "curl missing (apt-get install curl)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluicesearch.XXXXXX")
chmod 755 "$WORK"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  sluice_stop || true
  bg_stop_all || true
  pg_stop
  if [[ ${KEEP_WORK:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

mapfile -t PORTS < <(pick_ports 8)
RELP_PORT=${PORTS[0]} TCP_PORT=${PORTS[1]} UDP_PORT=${PORTS[2]} SSH_PORT=${PORTS[3]} RMI_REG_PORT=${PORTS[4]} RMI_SRV_PORT=${PORTS[5]} PG_PORT=${PORTS[6]} HTTP_PORT=${PORTS[7]}
pg_start "$PG_PORT" "-c max_wal_size=8GB -c shared_buffers=1GB"

# ------------------------------------------------------------------ Sluice with its shipper and the API
mkdir -p "$WORK/server"
sluice_unpack "$WORK/server"
OUT_DIR=$WORK/out SHIP_FORMAT=rsyslog-file SHIP_TEMPLATE="" FSYNC=true
sluice_configure
e=$KARAF_DIR/etc
cp "$e/io.sluice.shipper.pgsql-main.cfg.example" "$e/io.sluice.shipper.pgsql-main.cfg"
set_cfg "$e/io.sluice.shipper.pgsql-main.cfg" url "jdbc:postgresql://127.0.0.1:$PG_PORT/sluice"
set_cfg "$e/io.sluice.shipper.pgsql-main.cfg" retentionDays 0
cp "$e/io.sluice.web.cfg.example" "$e/io.sluice.web.cfg"
set_cfg "$e/io.sluice.web.cfg" searchUrl "jdbc:postgresql://127.0.0.1:$PG_PORT/sluice"
set_cfg "$e/org.ops4j.pax.web.cfg" org.osgi.service.http.port "$HTTP_PORT"
echo "bench = bench-secret,viewer" >> "$e/users.properties"
sed -i 's#^\([[:space:]]*\)wrap/\([0-9.]*\)$#\1wrap/\2, \\\n\1sluice-web#' "$e/org.apache.karaf.features.cfg"
grep -q sluice-web "$e/org.apache.karaf.features.cfg" || die "could not add sluice-web to featuresBoot"
sluice_start 1024m tcp "$TCP_PORT"
# one event through Sluice: the shipper creates its schema (table, partitions, indexes) on its first write
JAVA_HOME=$SLUICE_JAVA_HOME "$KARAF_DIR/bin/sluice-send" -H 127.0.0.1 -P "$RELP_PORT" -p relp \
  "<13>1 $(date -u +%FT%TZ) benchhost bench - - - schema please" >"$WORK/send.log" 2>&1 \
  || { cat "$WORK/send.log" >&2; die "sluice-send failed"; }
for i in $(seq 120); do
  [[ $("${PSQL[@]}" -d sluice -c "SELECT to_regclass('sluice.events') IS NOT NULL" 2>/dev/null) == t ]] && break
  sleep 0.5
done
[[ $("${PSQL[@]}" -d sluice -c "SELECT to_regclass('sluice.events') IS NOT NULL") == t ]] || die "the shipper did not create its schema"
wait_listen tcp "$HTTP_PORT" 60 "$JAVA_PID" || die "sluice-web did not open port $HTTP_PORT"

# ------------------------------------------------------------------ the events, by SQL, in chunks
NOW_EPOCH=$(date -u +%s)
START_EPOCH=$(( NOW_EPOCH - DAYS * 86400 ))
for (( d = DAYS; d >= 0; d-- )); do
  day=$(date -u -d "@$(( NOW_EPOCH - d * 86400 ))" +%F)
  "${PSQL[@]}" -d sluice -c "CREATE TABLE IF NOT EXISTS sluice.events_${day//-/} PARTITION OF sluice.events FOR VALUES FROM ('$day 00:00:00+00') TO ('$(date -u -d "$day + 1 day" +%F) 00:00:00+00')"
done
CHUNK=1000000
T0=$(now_us)
for (( from = 0; from < EVENTS; from += CHUNK )); do
  to=$(( from + CHUNK < EVENTS ? from + CHUNK : EVENTS ))
  "${PSQL[@]}" -d sluice -c "
    INSERT INTO sluice.events (time, id, received, severity, facility, host, app_name, procid, msgid, message, structured_data, fields, tags)
    SELECT to_timestamp($START_EPOCH + (i::float8 * $(( DAYS * 86400 )) / $EVENTS)),
           md5(i::text), to_timestamp($START_EPOCH + (i::float8 * $(( DAYS * 86400 )) / $EVENTS)),
           CASE WHEN i % 1000 = 0 THEN 2 WHEN i % 50 = 0 THEN 3 WHEN i % 10 = 0 THEN 4 WHEN i % 3 = 0 THEN 5 ELSE 6 END,
           16 + (i % 8), 'host' || (i % 200), 'app' || (i % 30), (1000 + i % 5000)::text, NULL,
           (ARRAY['GET','POST','PUT','DELETE'])[1 + i % 4] || ' /api/v' || (i % 3) || '/items/' || (i % 100000)
             || ' from 10.' || (i % 256) || '.' || (i / 256 % 256) || ' user u' || (i % 5000)
             || CASE WHEN i % 100000 = 7 THEN ' kernel panic detected' ELSE ' request served in ' || (i % 997) || ' ms' END,
           NULL, jsonb_build_object('status', (ARRAY['200','200','200','404','500'])[1 + i % 5], 'user', 'u' || (i % 5000)),
           CASE WHEN i % 20 = 0 THEN ARRAY['slow'] ELSE ARRAY[]::text[] END
    FROM generate_series($from, $(( to - 1 ))) AS i"
  log "events written: $to / $EVENTS ($(calc "($(now_us) - $T0) / 1e6" 0) s)"
done
"${PSQL[@]}" -d sluice -c "ANALYZE sluice.events"
log "table: $("${PSQL[@]}" -d sluice -c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sluice'") with indexes"

# ------------------------------------------------------------------ the searches
API="http://127.0.0.1:$HTTP_PORT/sluice/api"
iso() { date -u -d "@$1" +%FT%TZ; }
H1=$(iso $(( NOW_EPOCH - 3600 ))) D1=$(iso $(( NOW_EPOCH - 86400 ))) ALL=$(iso "$START_EPOCH") END=$(iso $(( NOW_EPOCH + 60 )))
declare -a NAMES=(
  "last hour, no condition"
  "last day, host=host17"
  "last day, severity=err, app=app10"
  "last day, field.status=500"
  "all days, tag=slow"
  "all days, words 'kernel panic'"
  "all days, host=host17, words 'served'"
  "histogram: last day, 60 buckets"
  "histogram: all days, severity=crit, 100 buckets"
  "histogram: all days, words 'kernel panic', 100 buckets"
)
declare -a URLS=(
  "$API/search?from=$H1&to=$END"
  "$API/search?from=$D1&to=$END&host=host17"
  "$API/search?from=$D1&to=$END&severity=err&app=app10"
  "$API/search?from=$D1&to=$END&field.status=500"
  "$API/search?from=$ALL&to=$END&tag=slow"
  "$API/search?from=$ALL&to=$END&q=kernel+panic"
  "$API/search?from=$ALL&to=$END&host=host17&q=served"
  "$API/search/histogram?from=$D1&to=$END&buckets=60"
  "$API/search/histogram?from=$ALL&to=$END&severity=crit&buckets=100"
  "$API/search/histogram?from=$ALL&to=$END&q=kernel+panic&buckets=100"
)
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "| search ($EVENTS events over $DAYS days) | median ms (curl, end to end) | matches on the page / total |"
echo "|---|---:|---:|"
for i in "${!NAMES[@]}"; do
  url=${URLS[i]} times=()
  curl -s -o /dev/null -u bench:bench-secret "$url"          # first run: plans and caches warm up
  for (( r = 0; r < RUNS; r++ )); do
    t=$(curl -s -o "$WORK/answer.json" -w '%{time_total}' -u bench:bench-secret "$url")
    times+=("$(calc "$t * 1000" 1)")
  done
  code=$(curl -s -o "$WORK/answer.json" -w '%{http_code}' -u bench:bench-secret "$url")
  [[ $code == 200 ]] || { cat "$WORK/answer.json" >&2; die "${NAMES[i]}: HTTP $code"; }
  n=$( { grep -o '"id":"' "$WORK/answer.json" || true; } | wc -l)
  total=$(grep -o '"total":[0-9]*' "$WORK/answer.json" | cut -d: -f2 || true)
  med=$(printf '%s\n' "${times[@]}" | median)
  echo "| ${NAMES[i]} | $med | ${total:-$n} |"
  echo "RESULT search=\"${NAMES[i]}\" median_ms=$med runs=$RUNS events=$EVENTS days=$DAYS matches=${total:-$n}" >&2
done
