#!/usr/bin/env bash
# relp-client.sh - one RELP run with Sluice's own RELP client (bin/sluice-send) as the sender,
# against a fresh Sluice or a private rsyslogd with imrelp: the same sender for both, which also
# speaks TLS and lz4 (the peers' omrelp relay cannot send lz4, and on loopback it tops out
# near 115,000 msg/s, below what Sluice takes).
#
# usage: relp-client.sh SERVER MODE [options]
#   SERVER  sluice | rsyslog
#   MODE    plain | tls | lz4 | tls-lz4   (lz4 against rsyslog: imrelp does not offer lz4, the
#                                          client falls back to one syslog frame per message)
# options:
#   --count N     messages (default 1000000)
#   --size B      bytes per message (default 200, as the peers' loggen runs)
#   --window W    RELP window of the client; Sluice's listener gets the same (default 1024)
#   --heap SIZE   Sluice's heap (default 1024m)
#   --quiet S     output unchanged for S s after the sender ended = drained (default 2)
#   --tag TEXT    copied into the RESULT line
#
# What it measures: the messages (numbered "seq: N, thread: 0, runid: R" like loggen's, so that
# lib.sh's seq_check finds duplicates and holes) are written to a file first; the sender reads it
# and sends everything, waiting until every frame is answered 200. The server writes each message
# to one output file (rsyslog: omfile with the peers' template; Sluice: the file shipper, fsync on
# as shipped). The window is from the first to the last growth of that output file, so the
# sender's JVM start and file reading are not charged to the server.
#   e2e_rate = received / window;  cpu_pct = the server's CPU (all threads) over the window.
# stdout gets one line: RESULT server=.. scenario=relp-client-MODE sent=.. received=.. e2e_rate=.. ...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

usage() { sed -n '2,27p' "$0" >&2; exit 2; }
SERVER=${1:-}; MODE=${2:-}
[[ $SERVER == sluice || $SERVER == rsyslog ]] || usage
case $MODE in plain|tls|lz4|tls-lz4) ;; *) usage ;; esac
shift 2
COUNT=1000000 SIZE=200 WINDOW=1024 HEAP=1024m QUIET=2 TAG=none
while (( $# )); do
  case $1 in
    --count) COUNT=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --quiet) QUIET=$2; shift ;;
    --tag) TAG=$2; shift ;;
    -h|--help) usage ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
for v in COUNT SIZE WINDOW QUIET; do [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"; done
(( COUNT >= 1000 && COUNT <= 20000000 )) || die "--count must be 1000..20000000"
(( SIZE >= 80 && SIZE <= 8000 )) || die "--size must be 80..8000"
TLS=0; [[ $MODE == tls* ]] && TLS=1
LZ4=0; [[ $MODE == *lz4 ]] && LZ4=1
TAG=${TAG// /_}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluicerelp.XXXXXX")
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  sluice_stop || true
  bg_stop_all || true
  if [[ ${KEEP_WORK:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
command -v /usr/bin/time >/dev/null || die "/usr/bin/time missing (apt-get install time)"

# ------------------------------------------------------------------ the sender: the distribution's client
mkdir -p "$WORK/sender"
sluice_unpack "$WORK/sender"
SEND=$KARAF_DIR/bin/sluice-send
[[ -x $SEND ]] || die "bin/sluice-send missing from the distribution"

# ------------------------------------------------------------------ messages
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
log "$COUNT messages of $SIZE bytes in $MSGS"

# ------------------------------------------------------------------ TLS material
# One self-signed certificate for localhost, used by both ends: mutual TLS, as rsyslog's imrelp
# with tls.caCert requires a client certificate (and as RELP over TLS is usually deployed).
if (( TLS )); then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
    >/dev/null 2>&1 || die "openssl req failed"
fi

# ------------------------------------------------------------------ the server
mapfile -t PORTS < <(pick_ports 6)
RELP_PORT=${PORTS[0]} TCP_PORT=${PORTS[1]} UDP_PORT=${PORTS[2]} SSH_PORT=${PORTS[3]} RMI_REG_PORT=${PORTS[4]} RMI_SRV_PORT=${PORTS[5]}
SERVER_PID=""
if [[ $SERVER == sluice ]]; then
  OUT_DIR=$WORK/out SHIP_FORMAT=rsyslog-file SHIP_TEMPLATE="" FSYNC=true
  mkdir -p "$WORK/server"
  sluice_unpack "$WORK/server"
  sluice_configure
  cfg=$KARAF_DIR/etc/io.sluice.syslog.relp-main.cfg
  set_cfg "$cfg" window "$WINDOW"
  if (( TLS )); then
    set_cfg "$cfg" tls true; set_cfg "$cfg" tlsCertificate "$WORK/cert.pem"; set_cfg "$cfg" tlsKey "$WORK/key.pem"
    set_cfg "$cfg" tlsClientAuth required; set_cfg "$cfg" tlsCaCertificates "$WORK/cert.pem"
  fi
  sluice_start "$HEAP" tcp "$RELP_PORT"
  SERVER_PID=$JAVA_PID
else
  command -v rsyslogd >/dev/null || die "rsyslogd missing (apt-get install rsyslog rsyslog-relp)"
  OUT_FILE=$WORK/out.log
  mkdir -p "$WORK/rs-work"
  tls_params=""
  if (( TLS )); then tls_params="tls=\"on\" tls.caCert=\"$WORK/cert.pem\" tls.myCert=\"$WORK/cert.pem\" tls.myPrivKey=\"$WORK/key.pem\" tls.authMode=\"name\" tls.permittedPeer=[\"localhost\"]"; fi
  # as shared/bench/peers/run.sh configures its rsyslog receiver (template, omfile, internal log apart)
  cat > "$WORK/rsyslog.conf" <<EOF
global(workDirectory="$WORK/rs-work" maxMessageSize="8k")
module(load="imrelp")
input(type="imrelp" address="127.0.0.1" port="$RELP_PORT" ruleset="bench" $tls_params)
template(name="bench" type="string" string="%timereported:::date-rfc3339% %hostname% %syslogtag%%msg%\n")
ruleset(name="bench") { action(type="omfile" file="$OUT_FILE" template="bench") }
*.* action(type="omfile" file="$WORK/rsyslog-internal.log")
EOF
  rsyslogd -N1 -f "$WORK/rsyslog.conf" >"$WORK/rsyslog-check.log" 2>&1 || { cat "$WORK/rsyslog-check.log" >&2; die "rsyslog config invalid"; }
  rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" >"$WORK/rsyslog.stderr" 2>&1 &
  SERVER_PID=$!; bg_track "$SERVER_PID"
  wait_listen tcp "$RELP_PORT" 10 "$SERVER_PID" || { cat "$WORK/rsyslog.stderr" >&2; die "rsyslog did not listen on $RELP_PORT"; }
  log "rsyslog pid $SERVER_PID: imrelp on 127.0.0.1:$RELP_PORT ($MODE)"
fi

# ------------------------------------------------------------------ send and measure
SEND_ARGS=(-H 127.0.0.1 -P "$RELP_PORT" -p relp -f "$MSGS" -w "$WINDOW" -t 600)
(( LZ4 )) && SEND_ARGS+=(--lz4)
(( TLS )) && SEND_ARGS+=(--tls --ca "$WORK/cert.pem" --cert "$WORK/cert.pem" --key "$WORK/key.pem" --server-name localhost)
TK0=$(proc_ticks "$SERVER_PID")
T0_US=$(now_us)
JAVA_HOME=$SLUICE_JAVA_HOME /usr/bin/time -f '%U %S %e' -o "$WORK/sender.time" "$SEND" "${SEND_ARGS[@]}" \
  >"$WORK/sender.out" 2>&1 &
SENDER_PID=$!; bg_track "$SENDER_PID"
log "sender: bin/sluice-send ${SEND_ARGS[*]}"

size0=$(file_size "$OUT_FILE"); T_FIRST_US=0; T_LAST_US=0; TK_FIRST=$TK0; last=$size0; done_at=0
DEADLINE_US=$(( T0_US + 900 * 1000000 ))
while :; do
  sleep 0.1
  t=$(now_us); cur=$(file_size "$OUT_FILE")
  if [[ $cur != "$last" ]]; then
    if (( T_FIRST_US == 0 )); then T_FIRST_US=$t; TK_FIRST=$(proc_ticks "$SERVER_PID"); fi
    last=$cur; T_LAST_US=$t; TK_LAST=$(proc_ticks "$SERVER_PID")
  fi
  if (( ! done_at )) && ! kill -0 "$SENDER_PID" 2>/dev/null; then done_at=$t; fi
  if (( done_at && t - (T_LAST_US > done_at ? T_LAST_US : done_at) >= QUIET * 1000000 )); then break; fi
  (( t < DEADLINE_US )) || { log "gave up after 900 s"; break; }
done
wait "$SENDER_PID" 2>/dev/null && SENDER_RC=0 || SENDER_RC=$?
RECEIVED=$(count_lines "$OUT_FILE")
if [[ $SERVER == sluice ]]; then karaf_log_mark; sluice_stop; karaf_log_summary; else stop_pid "$SERVER_PID" 10; fi
(( SENDER_RC == 0 )) || { log "sender failed (rc $SENDER_RC):"; tail -5 "$WORK/sender.out" >&2; }

read -r S_U S_S S_E < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$WORK/sender.time" | tail -1) || { S_U=0 S_S=0 S_E=1; }
WIN_US=$(( T_LAST_US - T_FIRST_US )); (( WIN_US > 0 )) || WIN_US=1
WIN=$(calc "$WIN_US / 1e6" 3)
E2E=$(calc "$RECEIVED / $WIN" 0)
TICKS=$(( ${TK_LAST:-$TK0} - TK_FIRST ))
CPU_PCT=$(calc "100 * $TICKS / $CLK_TCK / $WIN" 1)
CPU_US=$(calc "$RECEIVED > 0 ? 1e6 * $TICKS / $CLK_TCK / $RECEIVED : 0" 2)
SENDER_CPU=$(calc "100 * ($S_U + $S_S) / ($S_E > 0 ? $S_E : 1)" 1)
read -r _lines _distinct DUPS HOLES < <(seq_check "$OUT_FILE")
LOSS=$(( COUNT - (RECEIVED - DUPS) ))
log "$SERVER $MODE: sent=$COUNT received=$RECEIVED dups=$DUPS holes=$HOLES e2e=${E2E}/s over ${WIN}s;" \
    "server cpu ${CPU_PCT}% (${CPU_US} us/msg); sender cpu ${SENDER_CPU}% over ${S_E}s (rc $SENDER_RC)"
echo "RESULT server=$SERVER scenario=relp-client-$MODE sent=$COUNT received=$RECEIVED loss=$LOSS dups=$DUPS holes=$HOLES" \
  "e2e_rate=$E2E window_s=$WIN cpu_pct=$CPU_PCT cpu_us_per_msg=$CPU_US sender_cpu_pct=$SENDER_CPU sender_s=$S_E" \
  "sender_rc=$SENDER_RC relp_window=$WINDOW size=$SIZE heap=$HEAP karaf_errors=${KARAF_ERRORS:-NA} karaf_warns=${KARAF_WARNS:-NA} tag=$TAG"
