#!/usr/bin/env bash
# pgsql-client.sh - one run "syslog in, PostgreSQL rows out": the same sender (the distribution's
# bin/sluice-send over RELP, window 1024) against a fresh Sluice with its PostgreSQL shipper, or a
# private rsyslogd with imrelp and ompgsql (Debian package rsyslog-pgsql). Each run gets its own
# PostgreSQL (Debian's binaries, initdb in the run's temp dir, a free loopback port, fsync on).
#
# usage: pgsql-client.sh SERVER [options]
#   SERVER  sluice | rsyslog
# options:
#   --count N     messages (default 500000)
#   --size B      bytes per message (default 200)
#   --heap SIZE   Sluice's heap (default 1024m)
#   --no-fts      Sluice without the full-text index on the message (fullTextIndex = false)
#   --rabbitmq    Sluice with its bus over a RabbitMQ of the run's own (quorum queues, confirms)
#                 instead of the embedded journal
#   --tag TEXT    copied into the RESULT line
#
# What it measures: the rows in PostgreSQL, counted every 0.25 s, from the first row to the last
# (the sender's JVM start is not charged). rows_rate = rows / window. rsyslog writes its own table
# (SystemEvents, the package's schema) with its default ompgsql template, in transactions of up to
# 1000 rows (queue.dequeueBatchSize, an in-memory action queue: rsyslog answers RELP before the
# row is written). Sluice answers RELP once the journal holds the event, and acknowledges a batch of
# the journal once PostgreSQL has committed its rows (partitioned table, JSONB, five indexes).
# stdout gets one line: RESULT server=.. scenario=pgsql-client sent=.. rows=.. rows_rate=.. ...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

usage() { sed -n '2,24p' "$0" >&2; exit 2; }
SERVER=${1:-}
[[ $SERVER == sluice || $SERVER == rsyslog ]] || usage
shift
COUNT=500000 SIZE=200 HEAP=1024m TAG=none WINDOW=1024 FTS=true RABBIT=false
while (( $# )); do
  case $1 in
    --count) COUNT=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --tag) TAG=$2; shift ;;
    --no-fts) FTS=false ;;
    --rabbitmq) RABBIT=true ;;
    -h|--help) usage ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
for v in COUNT SIZE; do [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"; done
(( COUNT >= 1000 && COUNT <= 20000000 )) || die "--count must be 1000..20000000"
TAG=${TAG// /_}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluicepg.XXXXXX")
chmod 755 "$WORK"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  sluice_stop || true
  rabbitmq_stop || true
  bg_stop_all || true
  pg_stop
  if [[ ${KEEP_WORK:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ------------------------------------------------------------------ PostgreSQL of this run
mapfile -t PORTS < <(pick_ports 8)
RELP_PORT=${PORTS[0]} TCP_PORT=${PORTS[1]} UDP_PORT=${PORTS[2]} SSH_PORT=${PORTS[3]} RMI_REG_PORT=${PORTS[4]} RMI_SRV_PORT=${PORTS[5]} PG_PORT=${PORTS[6]} AMQP_PORT=${PORTS[7]}
pg_start "$PG_PORT" "-c max_wal_size=4GB"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE \"Syslog\""

# ------------------------------------------------------------------ the sender and the messages
mkdir -p "$WORK/sender"
sluice_unpack "$WORK/sender"
SEND=$KARAF_DIR/bin/sluice-send
MSGS=$WORK/messages.txt
RUNID=$(( 1000000 + RANDOM * 7 ))
awk -v n="$COUNT" -v size="$SIZE" -v runid="$RUNID" 'BEGIN {
  head = "<13>1 2026-12-03T00:00:00.000000+00:00 benchhost bench - - - "
  pad = ""; for (i = 0; i < size; i++) pad = pad "x"
  for (i = 1; i <= n; i++) {
    m = head sprintf("seq: %010d, thread: 0000, runid: %d, ", i - 1, runid)
    print m substr(pad, 1, size - length(m) > 0 ? size - length(m) : 0)
  }
}' > "$MSGS"

# ------------------------------------------------------------------ the server
if [[ $SERVER == sluice ]]; then
  OUT_DIR=$WORK/out SHIP_FORMAT=rsyslog-file SHIP_TEMPLATE="" FSYNC=true
  mkdir -p "$WORK/server"
  sluice_unpack "$WORK/server"
  sluice_configure
  # PostgreSQL is the only output: the file shipper (its cfg comes back with the feature) reads a
  # stream nobody writes to
  set_cfg "$KARAF_DIR/etc/io.sluice.shipper.file-main.cfg" stream unused
  cfg=$KARAF_DIR/etc/io.sluice.shipper.pgsql-main.cfg
  cp "$KARAF_DIR/etc/io.sluice.shipper.pgsql-main.cfg.example" "$cfg"
  set_cfg "$cfg" url "jdbc:postgresql://127.0.0.1:$PG_PORT/sluice"
  set_cfg "$cfg" fullTextIndex "$FTS"
  set_cfg "$cfg" connections "${PG_CONNECTIONS:-2}"
  set_cfg "$cfg" batchSize "${PG_BATCH:-5000}"
  set_cfg "$cfg" retentionDays 0                                # the messages carry a fixed 2026-12-03 date
  set_cfg "$KARAF_DIR/etc/io.sluice.syslog.relp-main.cfg" window "$WINDOW"
  if [[ $RABBIT == true ]]; then
    rabbitmq_start "$WORK/rabbitmq" "$AMQP_PORT"
    tcfg=$KARAF_DIR/etc/io.sluice.transport.rabbitmq.cfg
    cp "$KARAF_DIR/etc/io.sluice.transport.rabbitmq.cfg.example" "$tcfg"
    set_cfg "$tcfg" uri "amqp://guest:guest@127.0.0.1:$AMQP_PORT/%2F"
    set_cfg "$tcfg" queues "ingest/filter,events/pgsql-main,unused/file-main"
    set_cfg "$tcfg" rescue false
  fi
  sluice_start "$HEAP" tcp "$RELP_PORT"
  SERVER_PID=$JAVA_PID
  COUNT_SQL="SELECT count(*) FROM sluice.events"; DB=sluice
else
  command -v rsyslogd >/dev/null || die "rsyslogd missing (apt-get install rsyslog rsyslog-relp)"
  [[ -f /usr/lib/x86_64-linux-gnu/rsyslog/ompgsql.so || -n $(find /usr/lib -name ompgsql.so 2>/dev/null | head -1) ]] \
    || die "ompgsql missing: apt-get install rsyslog-pgsql (first: echo rsyslog-pgsql rsyslog-pgsql/dbconfig-install boolean false | debconf-set-selections, so that it leaves the machine's PostgreSQL alone)"
  schema=/usr/share/dbconfig-common/data/rsyslog-pgsql/install/pgsql
  [[ -f $schema ]] || die "rsyslog-pgsql's schema $schema missing"
  "${PSQL[@]}" -d Syslog -f "$schema" >/dev/null
  mkdir -p "$WORK/rs-work"
  cat > "$WORK/rsyslog.conf" <<EOF
global(workDirectory="$WORK/rs-work" maxMessageSize="8k")
module(load="imrelp")
module(load="ompgsql")
input(type="imrelp" address="127.0.0.1" port="$RELP_PORT" ruleset="bench")
ruleset(name="bench") {
  action(type="ompgsql" server="127.0.0.1" port="$PG_PORT" user="sluice" pass="" db="Syslog"
         queue.type="LinkedList" queue.size="200000" queue.dequeueBatchSize="1000")
}
*.* action(type="omfile" file="$WORK/rsyslog-internal.log")
EOF
  rsyslogd -N1 -f "$WORK/rsyslog.conf" >"$WORK/rsyslog-check.log" 2>&1 || { cat "$WORK/rsyslog-check.log" >&2; die "rsyslog config invalid"; }
  rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" >"$WORK/rsyslog.stderr" 2>&1 &
  SERVER_PID=$!; bg_track "$SERVER_PID"
  wait_listen tcp "$RELP_PORT" 10 "$SERVER_PID" || { cat "$WORK/rsyslog.stderr" >&2; die "rsyslog did not listen"; }
  COUNT_SQL="SELECT count(*) FROM systemevents"; DB=Syslog
fi
rows() { "${PSQL[@]}" -d "$DB" -c "$COUNT_SQL" 2>/dev/null || echo 0; }

# ------------------------------------------------------------------ send and measure
SEND_ARGS=(-H 127.0.0.1 -P "$RELP_PORT" -p relp -f "$MSGS" -w "$WINDOW" -t 900)
TK0=$(proc_ticks "$SERVER_PID")
T0_US=$(now_us)
JAVA_HOME=$SLUICE_JAVA_HOME "$SEND" "${SEND_ARGS[@]}" >"$WORK/sender.out" 2>&1 &
SENDER_PID=$!; bg_track "$SENDER_PID"
T_FIRST_US=0 T_LAST_US=0 TK_FIRST=$TK0 TK_LAST=$TK0 last=0 done_at=0
DEADLINE_US=$(( T0_US + 1200 * 1000000 ))
while :; do
  sleep 0.25
  t=$(now_us); cur=$(rows)
  if [[ $cur =~ ^[0-9]+$ ]] && (( cur != last )); then
    if (( T_FIRST_US == 0 )); then T_FIRST_US=$t; TK_FIRST=$(proc_ticks "$SERVER_PID"); fi
    last=$cur; T_LAST_US=$t; TK_LAST=$(proc_ticks "$SERVER_PID")
  fi
  (( last >= COUNT )) && break
  if (( ! done_at )) && ! kill -0 "$SENDER_PID" 2>/dev/null; then done_at=$t; fi
  if (( done_at && t - (T_LAST_US > done_at ? T_LAST_US : done_at) >= 10000000 )); then log "no new row for 10 s"; break; fi
  (( t < DEADLINE_US )) || { log "gave up after 1200 s"; break; }
done
wait "$SENDER_PID" 2>/dev/null && SENDER_RC=0 || SENDER_RC=$?
ROWS=$(rows)
if [[ $SERVER == sluice ]]; then karaf_log_mark; sluice_stop; karaf_log_summary; else stop_pid "$SERVER_PID" 10; fi
WIN_US=$(( T_LAST_US - T_FIRST_US )); (( WIN_US > 0 )) || WIN_US=1
WIN=$(calc "$WIN_US / 1e6" 3)
RATE=$(calc "$ROWS / $WIN" 0)
CPU_PCT=$(calc "100 * ($TK_LAST - $TK_FIRST) / $CLK_TCK / $WIN" 1)
log "$SERVER: sent=$COUNT rows=$ROWS in ${WIN}s = ${RATE} rows/s; server cpu ${CPU_PCT}% (sender rc $SENDER_RC)"
SCEN=pgsql-client; [[ $SERVER == sluice && $FTS == false ]] && SCEN=pgsql-client-nofts
[[ $SERVER == sluice && $RABBIT == true ]] && SCEN=$SCEN-rabbitmq
echo "RESULT server=$SERVER scenario=$SCEN sent=$COUNT rows=$ROWS rows_rate=$RATE window_s=$WIN" \
  "cpu_pct=$CPU_PCT sender_rc=$SENDER_RC size=$SIZE heap=$HEAP karaf_errors=${KARAF_ERRORS:-NA} tag=$TAG"
