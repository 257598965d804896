#!/usr/bin/env bash
# sluice-run.sh - one end-to-end load run against a fresh copy of the Sluice distribution,
# measured exactly like shared/bench/peers/run.sh measures rsyslog and syslog-ng.
#
# usage: sluice-run.sh SCENARIO [options]
#   SCENARIO  tcp      loggen --inet --stream                (RFC3164-ish, LF framed)
#             tcp5424  loggen --inet --stream --syslog-proto (RFC 5424, octet-counted)
#             udp      loggen --inet --dgram
#             relp     loggen --inet --stream -> rsyslog omrelp relay (imtcp -> omrelp windowSize 2048,
#                      the peers' sender) -> Sluice's RELP listener (window 2048); the relay's CPU
#                      is not counted, as in the peers' relp scenario
# options (defaults = the peers'):
#   --interval S    loggen run time in seconds (default 10)
#   --rate N        loggen --rate, msgs/s per connection (default 1000000 = flat out)
#   --size B        loggen --size (default 200)
#   --conns N       loggen --active-connections (default 1)
#   --warmup S      JIT warm-up: blast S seconds first (same flags), wait until the output stops
#                   growing, THEN take the baseline and measure (default 0, as the peers)
#   --heap SIZE     JVM heap, -Xms = -Xmx (default 1024m)
#   --format F      file shipper format: rsyslog-file | json | rfc5424 | rfc3164 | template
#                   (default rsyslog-file, the closest to the peers' output template)
#   --template T    template for --format template
#   --fsync B       true (shipped default: journal and shipper fsync every batch) | false
#   --quiet S       output unchanged for S seconds = drained (default 2, as the peers)
#   --drain-max S   give up draining S seconds after loggen ended (default 30; flagged)
#   --linger S      after the drain, wait S more seconds and report lines that still arrived
#                   as late= (a stall detector; not counted in received/e2e) (default 3)
#   --no-seq-check  skip the duplicate / hole check of loggen's sequence numbers
#   --tag TEXT      free text copied into the RESULT line
#
# What it does: unpack the tarball into a private temp dir, put every port (TCP/UDP listener, SSH,
# JMX RMI) on free high loopback ports, the Unix socket into the temp dir, one output file
# (path = all.log, no rotation); start `bin/karaf server` with JDK 17; wait until the listener
# listens; [warm-up]; baseline line count; loggen; poll the output file's size every 0.25 s until
# loggen has ended and the size did not change for --quiet s; stop Karaf (java child, then script).
#   received  = lines in the output file after - before the measured loggen run
#   e2e_rate  = received / (loggen start -> last growth of the output file)
#   loss      = loggen's count= - received
#   cpu_pct   = CPU (user+sys, all threads) of Karaf's java process over that window, % of ONE core
#   cpu_us_per_msg = that CPU time / received
# Human progress goes to stderr; stdout gets one line:
#   RESULT server=sluice scenario=.. sent=.. received=.. loss_pct=.. e2e_rate=.. cpu_pct=.. cpu_us_per_msg=.. heap=.. ...
# Bounded: every loop has a deadline; Karaf's java process and script are stopped by PID on any exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

usage() { sed -n '2,38p' "$0" >&2; exit 2; }
SCENARIO=${1:-}
[[ -n $SCENARIO && $SCENARIO != -* ]] || usage
shift
INTERVAL=10 RATE=1000000 SIZE=200 CONNS=1 WARMUP=0 HEAP=1024m SHIP_FORMAT=rsyslog-file SHIP_TEMPLATE=""
FSYNC=true QUIET=2 DRAIN_MAX=30 LINGER=3 SEQ_CHECK=1 TAG=none
while (( $# )); do
  case $1 in
    --interval) INTERVAL=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --format) SHIP_FORMAT=$2; shift ;;
    --template) SHIP_TEMPLATE=$2; shift ;;
    --fsync) FSYNC=$2; shift ;;
    --quiet) QUIET=$2; shift ;;
    --drain-max) DRAIN_MAX=$2; shift ;;
    --linger) LINGER=$2; shift ;;
    --no-seq-check) SEQ_CHECK=0 ;;
    --tag) TAG=$2; shift ;;
    -h|--help) usage ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
case $SCENARIO in tcp|tcp5424|udp|relp) ;; *) die "SCENARIO must be tcp | tcp5424 | udp | relp" ;; esac
case $FSYNC in true|false) ;; *) die "--fsync true|false" ;; esac
for v in INTERVAL RATE SIZE CONNS WARMUP QUIET DRAIN_MAX LINGER; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"
done
(( INTERVAL >= 1 && INTERVAL + WARMUP <= 600 )) || die "--interval must be >= 1 and interval + warmup <= 600"
[[ $SHIP_FORMAT != template || -n $SHIP_TEMPLATE ]] || die "--format template needs --template"
TAG=${TAG// /_}

# ------------------------------------------------------------------ hard time bound
# startup (<= 90 s) + warm-up + its drain + interval + loggen overrun allowance + drain + linger,
# plus 60 s for stopping Karaf; every wait below checks this deadline.
T_START_US=$(now_us)
BOUND_S=$(( 90 + WARMUP + DRAIN_MAX + INTERVAL + 15 + DRAIN_MAX + LINGER + 60 ))
DEADLINE_US=$(( T_START_US + BOUND_S * 1000000 ))
past_deadline() { (( $(now_us) > DEADLINE_US - ${1:-0} * 1000000 )); }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluicebench.XXXXXX")
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

find_loggen
command -v /usr/bin/time >/dev/null || die "/usr/bin/time missing (apt-get install time)"

# ------------------------------------------------------------------ fresh Sluice
mapfile -t PORTS < <(pick_ports 7)
TCP_PORT=${PORTS[0]} UDP_PORT=${PORTS[1]} SSH_PORT=${PORTS[2]} RMI_REG_PORT=${PORTS[3]} RMI_SRV_PORT=${PORTS[4]}
RELP_PORT=${PORTS[5]} RELAY_PORT=${PORTS[6]}
OUT_DIR=$WORK/out
log "unpacking a fresh Sluice into $WORK"
sluice_unpack "$WORK"
sluice_configure
log "ports: tcp $TCP_PORT udp $UDP_PORT ssh $SSH_PORT rmi $RMI_REG_PORT/$RMI_SRV_PORT; output $OUT_FILE ($SHIP_FORMAT, fsync=$FSYNC)"
if [[ $SCENARIO == udp ]]; then PROTO=udp DPORT=$UDP_PORT; else PROTO=tcp DPORT=$TCP_PORT; fi
if [[ $SCENARIO == relp ]]; then
  set_cfg "$KARAF_DIR/etc/io.sluice.syslog.relp-main.cfg" window 2048
  sluice_start "$HEAP" tcp "$RELP_PORT"
  relp_relay_start "$RELAY_PORT" 127.0.0.1 "$RELP_PORT"
  DPORT=$RELAY_PORT
else
  sluice_start "$HEAP" "$PROTO" "$DPORT"
fi

loggen_args "$SCENARIO" "$INTERVAL" "$RATE" "$SIZE" "$CONNS"

# wait_drain MAX_S: until the output file's size has not changed for QUIET s; rc 1 on MAX_S or deadline
wait_drain() {
  local max_us=$(( $1 * 1000000 )) t0 t tq last cur
  t0=$(now_us); tq=$t0; last=$(file_size "$OUT_FILE")
  while :; do
    sleep 0.25
    t=$(now_us); cur=$(file_size "$OUT_FILE")
    if [[ $cur != "$last" ]]; then last=$cur; tq=$t; fi
    (( t - tq >= QUIET * 1000000 )) && return 0
    if (( t - t0 > max_us )) || past_deadline 70; then return 1; fi
  done
}

# ------------------------------------------------------------------ optional warm-up
WARM_SENT=0
if (( WARMUP > 0 )); then
  W_ARGS=("${LG_ARGS[@]}")
  for i in "${!W_ARGS[@]}"; do if [[ ${W_ARGS[i]} == --interval ]]; then W_ARGS[i+1]=$WARMUP; fi; done
  log "warm-up: loggen ${W_ARGS[*]} 127.0.0.1 $DPORT"
  "${LOGGEN[@]}" "${W_ARGS[@]}" 127.0.0.1 "$DPORT" >"$WORK/warmup.out" 2>&1 &
  WPID=$!; bg_track "$WPID"
  # loggen stops by itself after --interval; never wait more than WARMUP + 15 s for it
  for _ in $(seq $(( (WARMUP + 15) * 10 ))); do kill -0 "$WPID" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$WPID" 5
  WARM_SENT=$(loggen_field "$WORK/warmup.out" count); WARM_SENT=${WARM_SENT:-0}
  if ! wait_drain "$DRAIN_MAX"; then log "warm-up output still growing after ${DRAIN_MAX}s, measuring anyway"; fi
  log "warm-up done: sent $WARM_SENT, output has $(count_lines "$OUT_FILE") lines"
fi

# ------------------------------------------------------------------ measurement (as peers/run.sh)
BASE=$(count_lines "$OUT_FILE")
sleep 0.5
T_BUSY0=$(sys_busy_ticks)
TK0=$(proc_ticks "$JAVA_PID")
RK0=0; if [[ -n ${RELAY_PID:-} ]]; then RK0=$(proc_ticks "$RELAY_PID"); fi
T0_US=$(now_us)
/usr/bin/time -f '%U %S %e' -o "$WORK/loggen.time" "${LOGGEN[@]}" "${LG_ARGS[@]}" 127.0.0.1 "$DPORT" \
  >"$WORK/loggen.out" 2>&1 &
LG_TIME_PID=$!; bg_track "$LG_TIME_PID"
sleep 0.2
LG_PID=$(pgrep -P "$LG_TIME_PID" 2>/dev/null | head -1 || true)
# `env` execs loggen, so the child of time is loggen itself
if [[ -n $LG_PID ]]; then bg_track "$LG_PID"; fi
log "loggen pid ${LG_PID:-?}: ${LG_ARGS[*]} 127.0.0.1 $DPORT"

# Poll: until loggen exited and the output did not grow for QUIET s. Bash builtins + stat only.
last=$(file_size "$OUT_FILE"); T_LAST_US=$T0_US
LG_MAX_US=$(( (INTERVAL + 15) * 1000000 )); lg_done=0; T_LG_END_US=0; DRAIN_TIMEOUT=0
while :; do
  sleep 0.25
  t=$(now_us)
  if (( ! lg_done )) && ! kill -0 "$LG_TIME_PID" 2>/dev/null; then lg_done=1; T_LG_END_US=$t; fi
  if (( ! lg_done && t - T0_US > LG_MAX_US )); then
    log "loggen overran its interval by 15 s, stopping it"
    stop_pid "$LG_PID" 5; stop_pid "$LG_TIME_PID" 5; lg_done=1; T_LG_END_US=$t
  fi
  cur=$(file_size "$OUT_FILE")
  if [[ $cur != "$last" ]]; then last=$cur; T_LAST_US=$t; fi
  if (( lg_done && t - T_LAST_US >= QUIET * 1000000 )); then break; fi
  if (( lg_done && t - T_LG_END_US > DRAIN_MAX * 1000000 )) || past_deadline 70; then
    log "output still growing ${DRAIN_MAX}s after loggen ended: giving up the drain"; DRAIN_TIMEOUT=1; break
  fi
done
wait "$LG_TIME_PID" 2>/dev/null || true
T_END_US=$(now_us)
T_BUSY1=$(sys_busy_ticks)
TK1=$(proc_ticks "$JAVA_PID")
RK1=0; if [[ -n ${RELAY_PID:-} ]]; then RK1=$(proc_ticks "$RELAY_PID"); fi
RECV_TOTAL=$(count_lines "$OUT_FILE")
RECEIVED=$(( RECV_TOTAL - BASE ))

# stall detector: does anything still arrive after the peers' "drained" criterion?
LATE=0
if (( LINGER > 0 )); then
  sleep "$LINGER"
  LATE=$(( $(count_lines "$OUT_FILE") - RECV_TOTAL ))
  if (( LATE != 0 )); then log "WARNING: $LATE lines arrived in the ${LINGER}s after the output had been quiet for ${QUIET}s"; fi
fi
UDP_DROPS=NA
if [[ $SCENARIO == udp ]]; then UDP_DROPS=$(udp_drops "$UDP_PORT"); fi   # warm-up included
JAVA_ALIVE=1; kill -0 "$JAVA_PID" 2>/dev/null || JAVA_ALIVE=0
XMX=$(tr '\0' '\n' 2>/dev/null < "/proc/$JAVA_PID/cmdline" | grep -E '^-Xmx' | tail -1 || true)

# ------------------------------------------------------------------ stop Sluice, then analyse
karaf_log_mark
sluice_stop
karaf_log_summary

SENT=$(loggen_field "$WORK/loggen.out" count); SENT=${SENT:-0}
LG_RATE=$(loggen_field "$WORK/loggen.out" rate); LG_RATE=${LG_RATE:-0}
if ! grep -q 'average rate' "$WORK/loggen.out"; then log "loggen printed no summary:"; tail -5 "$WORK/loggen.out" >&2 || true; fi
LG_U=0 LG_S=0 LG_E=1
if [[ -s $WORK/loggen.time ]]; then read -r LG_U LG_S LG_E < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$WORK/loggen.time" | tail -1) || true; fi

WIN_US=$(( T_LAST_US - T0_US )); (( WIN_US > 0 )) || WIN_US=$(( T_END_US - T0_US ))
WIN=$(calc "$WIN_US / 1e6" 3)
E2E=$(calc "$RECEIVED / $WIN" 0)
LOSS=$(( SENT - RECEIVED ))
LOSS_PCT=$(calc "$SENT > 0 ? 100 * $LOSS / $SENT : 0" 3)
TICKS=$(( TK1 - TK0 ))
CPU_PCT=$(calc "100 * $TICKS / $CLK_TCK / $WIN" 1)
CPU_US=$(calc "$RECEIVED > 0 ? 1e6 * $TICKS / $CLK_TCK / $RECEIVED : 0" 2)
LG_CPU=$(calc "100 * ($LG_U + $LG_S) / ($LG_E > 0 ? $LG_E : 1)" 1)
SPAN=$(calc "($T_END_US - $T0_US) / 1e6" 3)
# the RELP relay (scenario relp) is part of the sender, like loggen: reported, not counted as "other"
RELAY_TICKS=$(( RK1 - RK0 ))
RELAY_CPU=$(calc "100 * $RELAY_TICKS / $CLK_TCK / $WIN" 1)
OTHER=$(calc "100 * (($T_BUSY1 - $T_BUSY0) / $CLK_TCK - $TICKS / $CLK_TCK - $RELAY_TICKS / $CLK_TCK - $LG_U - $LG_S) / $SPAN" 1)

# loggen numbers every message: duplicates and holes show what kind of loss / redelivery happened
LINES=NA DUPS=NA HOLES=NA
if (( SEQ_CHECK )) && [[ -f $OUT_FILE ]]; then
  read -r LINES _distinct DUPS HOLES < <(seq_check "$OUT_FILE")
  if (( DUPS > 0 || HOLES > 0 )); then log "sequence check over all $LINES output lines (warm-up included): $DUPS duplicates, $HOLES missing below the highest seq"; fi
fi

log "sent=$SENT received=$RECEIVED loss=$LOSS (${LOSS_PCT}%) e2e=${E2E}/s over ${WIN}s; loggen ${LG_RATE}/s cpu ${LG_CPU}%;" \
    "Sluice java cpu ${CPU_PCT}% (${CPU_US} us/msg); other ${OTHER}%; late=$LATE dups=$DUPS holes=$HOLES udp_kernel_drops=$UDP_DROPS; karaf.log ERROR=$KARAF_ERRORS WARN=$KARAF_WARNS (stopping: $SHUTDOWN_ERRORS/$SHUTDOWN_WARNS)"
(( JAVA_ALIVE )) || log "WARNING: the Karaf java process had died before the end of the run"
echo "RESULT server=sluice scenario=$SCENARIO sent=$SENT received=$RECEIVED loss=$LOSS loss_pct=$LOSS_PCT" \
  "e2e_rate=$E2E window_s=$WIN cpu_pct=$CPU_PCT cpu_us_per_msg=$CPU_US heap=$HEAP xmx=${XMX#-Xmx}" \
  "loggen_rate=$LG_RATE loggen_cpu_pct=$LG_CPU relay_cpu_pct=$RELAY_CPU other_cpu_pct=$OTHER late=$LATE dups=$DUPS holes=$HOLES udp_kernel_drops=$UDP_DROPS" \
  "drain_timeout=$DRAIN_TIMEOUT java_alive=$JAVA_ALIVE karaf_errors=$KARAF_ERRORS karaf_warns=$KARAF_WARNS shutdown_errors=$SHUTDOWN_ERRORS shutdown_warns=$SHUTDOWN_WARNS startup_s=$STARTUP_S" \
  "warmup=$WARMUP warmup_sent=$WARM_SENT interval=$INTERVAL rate=$RATE size=$SIZE conns=$CONNS format=$SHIP_FORMAT fsync=$FSYNC" \
  "dist_mtime=$SLUICE_TARBALL_MTIME tag=$TAG"
