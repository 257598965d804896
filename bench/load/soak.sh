#!/usr/bin/env bash
# soak.sh - one long Sluice run at a steady loggen rate, to show that memory stays bounded.
#
# usage: soak.sh [-d SECONDS] [options]
#   -d SECONDS      loggen run time (default 300)
#   -r RATE         loggen --rate per connection (default 50000; loggen overshoots ~7 %)
#   -s SIZE         loggen --size (default 200)
#   -c CONNS        loggen --active-connections (default 1)
#   -p SECONDS      sampling period (default 10)
#   --scenario S    tcp5424 (default: RFC 5424, octet-counted over TCP) | tcp | udp
#   --heap SIZE     JVM heap, -Xms = -Xmx (default 1024m)
#   --fsync B       true (default, as shipped) | false
#   --format F      shipper format (default rsyslog-file)
#   --no-seq-check  skip the duplicate / hole check of the output at the end
#   --no-pretouch   do not add -XX:+AlwaysPreTouch. With it (default) the whole heap is resident
#                   from the start, so RSS growth during the soak is growth outside the Java heap
#                   (direct buffers, metaspace, threads, ...), not the collector touching its pages for the
#                   first time, which otherwise makes RSS climb towards -Xmx for minutes.
#
# Every period it samples Karaf's java process: VmRSS and Threads from /proc/PID/status, open
# file descriptors, heap use from `jcmd PID GC.heap_info` (JDK 17), old generation use and GC
# counts from `jstat -gc` (reads the JVM's perf-data file, no attach), its CPU over the period,
# the size of the journal directory, and the output file's line count (counted incrementally: only
# the bytes added since the previous sample are read). Prints a markdown table as it goes, then
# max RSS / max heap used, the RSS trend over the second half, sent / received / loss, and one line
#   SOAK server=sluice duration_s=.. rate=.. sent=.. received=.. loss_pct=.. max_rss_mib=.. max_heap_used_mib=.. ...
# Hard time bound: duration + ~4 min (startup, drain, stop, check); Karaf is stopped by PID on exit.
# Disk: the output file grows by ~(size + 60) bytes per message (~3.9 GB for 300 s at 50k/s) in $TMPDIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

usage() { sed -n '2,34p' "$0" >&2; exit 2; }
DURATION=300 RATE=50000 SIZE=200 CONNS=1 PERIOD=10 SCENARIO=tcp5424 HEAP=1024m FSYNC=true
SHIP_FORMAT=rsyslog-file SHIP_TEMPLATE="" SEQ_CHECK=1 QUIET=2 DRAIN_MAX=60 PRETOUCH=1 IDLE=5
while (( $# )); do
  case $1 in
    -d) DURATION=$2; shift ;;
    -r) RATE=$2; shift ;;
    -s) SIZE=$2; shift ;;
    -c) CONNS=$2; shift ;;
    -p) PERIOD=$2; shift ;;
    --scenario) SCENARIO=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --fsync) FSYNC=$2; shift ;;
    --format) SHIP_FORMAT=$2; shift ;;
    --no-seq-check) SEQ_CHECK=0 ;;
    --no-pretouch) PRETOUCH=0 ;;
    -h|--help) usage ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
for v in DURATION RATE SIZE CONNS PERIOD; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done
(( DURATION >= 1 && DURATION <= 7200 && PERIOD >= 1 )) || die "-d must be 1..7200 and -p >= 1"
case $SCENARIO in tcp|tcp5424|udp) ;; *) die "--scenario tcp5424 | tcp | udp" ;; esac
JCMD=$SLUICE_JAVA_HOME/bin/jcmd JSTAT=$SLUICE_JAVA_HOME/bin/jstat
[[ -x $JCMD ]] || die "jcmd not found at $JCMD"

T_START_US=$(now_us)
BOUND_S=$(( DURATION + 90 + IDLE + 15 + DRAIN_MAX + 60 + 180 ))
DEADLINE_US=$(( T_START_US + BOUND_S * 1000000 ))
log "soak: ${DURATION}s at --rate $RATE ($SCENARIO, size $SIZE, $CONNS conn), sampling every ${PERIOD}s; hard bound ${BOUND_S}s"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluicesoak.XXXXXX")
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
mapfile -t PORTS < <(pick_ports 6)
TCP_PORT=${PORTS[0]} UDP_PORT=${PORTS[1]} SSH_PORT=${PORTS[2]} RMI_REG_PORT=${PORTS[3]} RMI_SRV_PORT=${PORTS[4]}
RELP_PORT=${PORTS[5]}
OUT_DIR=$WORK/out
log "unpacking a fresh Sluice into $WORK"
sluice_unpack "$WORK"
sluice_configure
if [[ $SCENARIO == udp ]]; then PROTO=udp DPORT=$UDP_PORT; else PROTO=tcp DPORT=$TCP_PORT; fi
if (( PRETOUCH )); then SLUICE_EXTRA_JAVA_OPTS="${SLUICE_EXTRA_JAVA_OPTS:-} -XX:+AlwaysPreTouch"; fi
sluice_start "$HEAP" "$PROTO" "$DPORT"
JOURNAL_DIR=$KARAF_DIR/data/sluice/journal

# ------------------------------------------------------------------ samplers
OFF=0 LINES=0
count_new_lines() {   # add the newlines in the bytes appended since the last call
  local size n
  size=$(file_size "$OUT_FILE")
  if (( size > OFF )); then
    # head stops after exactly the new bytes; tail may then get SIGPIPE, which is fine here
    n=$(tail -c +$((OFF + 1)) "$OUT_FILE" 2>/dev/null | head -c $((size - OFF)) | wc -l) || true
    LINES=$(( LINES + ${n:-0} ))
    OFF=$size
  fi
}
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$JAVA_PID/status" 2>/dev/null || true; }
heap_info() {         # "used_KiB total_KiB": the sum of GC.heap_info's "total NK, used NK" lines (G1 prints
                      # one for the whole heap, the parallel and serial collectors one per generation)
  timeout 20 "$JCMD" "$JAVA_PID" GC.heap_info 2>/dev/null |
    awk '/ total / && / used / { for (i = 1; i <= NF; i++) { if ($i == "total") t = $(i + 1); if ($i == "used") u = $(i + 1) }
                                 gsub(/[^0-9]/, "", t); gsub(/[^0-9]/, "", u); U += u; T += t; n++ }
         END { if (n) print U, T }' || true
}
jstat_gc() {          # "old_used_KiB young_gcs full_gcs" (jstat -gc columns by name)
  timeout 20 "$JSTAT" -gc "$JAVA_PID" 2>/dev/null |
    awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { printf "%d %d %d\n", $c["OU"], $c["YGC"], $c["FGC"] }' || true
}
mib() { if [[ $1 =~ ^[0-9]+$ ]]; then calc "$1 / 1024" 0; else echo NA; fi; }

SAMPLES=$WORK/samples.txt; : >"$SAMPLES"
HDR="| t s | phase | out lines | out msg/s | java CPU % | RSS MiB | heap used MiB | heap total MiB | old gen MiB | young GCs | full GCs | threads | fds | journal MiB |"
echo "$HDR"; echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
PREV_T=$(now_us) PREV_LINES=0 PREV_TK=$(proc_ticks "$JAVA_PID") T0_US=$PREV_T
sample() {            # sample PHASE: one table row on stdout, one data row in $SAMPLES
  local t tk rss thr fds hu ht ou ygc fgc jr rate cpu
  count_new_lines
  t=$(now_us); tk=$(proc_ticks "$JAVA_PID")
  rss=$(status_kb VmRSS); thr=$(awk '$1 == "Threads:" { print $2 }' "/proc/$JAVA_PID/status" 2>/dev/null || true)
  fds=$(ls "/proc/$JAVA_PID/fd" 2>/dev/null | wc -l) || true
  read -r hu ht < <(heap_info; echo) || true
  read -r ou ygc fgc < <(jstat_gc; echo) || true
  jr=$(du -sk "$JOURNAL_DIR" 2>/dev/null | cut -f1 || true)
  rate=$(calc "($LINES - $PREV_LINES) / (($t - $PREV_T) / 1e6)" 0)
  cpu=$(calc "100 * ($tk - $PREV_TK) / $CLK_TCK / (($t - $PREV_T) / 1e6)" 0)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$(calc "($t - $T0_US) / 1e6" 0)" "$1" "$LINES" "$rate" "$cpu" "$(mib "${rss:-}")" "$(mib "${hu:-}")" "$(mib "${ht:-}")" \
    "$(mib "${ou:-}")" "${ygc:-NA}" "${fgc:-NA}" "${thr:-NA}" "$fds" "$(mib "${jr:-}")"
  echo "$(( (t - T0_US) / 1000000 )) $1 ${rss:-NA} ${hu:-NA} ${ou:-NA} ${thr:-NA} $fds ${jr:-NA}" >>"$SAMPLES"
  PREV_T=$t PREV_LINES=$LINES PREV_TK=$tk
}
sleep "$IDLE"          # let Karaf finish starting; the idle row covers these seconds
sample idle

# ------------------------------------------------------------------ the steady load
loggen_args "$SCENARIO" "$DURATION" "$RATE" "$SIZE" "$CONNS"
"${LOGGEN[@]}" "${LG_ARGS[@]}" 127.0.0.1 "$DPORT" >"$WORK/loggen.out" 2>&1 &
LG_PID=$!; bg_track "$LG_PID"
log "loggen pid $LG_PID: ${LG_ARGS[*]} 127.0.0.1 $DPORT"
T_LOAD_US=$(now_us)
next=$(( T_LOAD_US + PERIOD * 1000000 ))
while kill -0 "$LG_PID" 2>/dev/null; do
  t=$(now_us)
  if (( t - T_LOAD_US > (DURATION + 15) * 1000000 )); then log "loggen overran by 15 s, stopping it"; stop_pid "$LG_PID" 5; break; fi
  if (( t > DEADLINE_US - 300 * 1000000 )); then log "hard time bound: stopping loggen"; stop_pid "$LG_PID" 5; break; fi
  if (( t >= next )); then sample load; next=$(( next + PERIOD * 1000000 )); fi
  sleep 0.25
done
wait "$LG_PID" 2>/dev/null || true
T_LG_END_US=$(now_us)

# ------------------------------------------------------------------ drain, final sample
last=$(file_size "$OUT_FILE"); tq=$(now_us); DRAINED=1
while :; do
  sleep 0.25; t=$(now_us); cur=$(file_size "$OUT_FILE")
  if [[ $cur != "$last" ]]; then last=$cur; tq=$t; fi
  (( t - tq >= QUIET * 1000000 )) && break
  if (( t - T_LG_END_US > DRAIN_MAX * 1000000 )); then DRAINED=0; log "output still growing ${DRAIN_MAX}s after loggen ended"; break; fi
done
T_LAST_US=$tq
sample drained
karaf_log_mark
sluice_stop
karaf_log_summary

SENT=$(loggen_field "$WORK/loggen.out" count); SENT=${SENT:-0}
LG_RATE=$(loggen_field "$WORK/loggen.out" rate); LG_RATE=${LG_RATE:-0}
if ! grep -q 'average rate' "$WORK/loggen.out"; then log "loggen printed no summary:"; tail -5 "$WORK/loggen.out" >&2 || true; fi
count_new_lines
RECEIVED=$LINES
LOSS=$(( SENT - RECEIVED ))
LOSS_PCT=$(calc "$SENT > 0 ? 100 * $LOSS / $SENT : 0" 3)
E2E=$(calc "$RECEIVED / (($T_LAST_US - $T_LOAD_US) / 1e6)" 0)
DUPS=NA HOLES=NA
if (( SEQ_CHECK )); then
  read -r _l _d DUPS HOLES < <(timeout 180 bash -c "source '$HERE/lib.sh'; seq_check '$OUT_FILE'" || echo "NA NA NA NA")
fi

# max / trend from the data rows: "t phase rss_kB heap_used_kB old_kB threads fds journal_kB"
read -r MAX_RSS MAX_HEAP MAX_OLD MAX_THR MAX_FDS MAX_J FIRST_RSS LAST_RSS SLOPE < <(awk '
  function mx(a, b) { return (b ~ /^[0-9]+$/ && b + 0 > a) ? b + 0 : a }
  { r = mx(r, $3); h = mx(h, $4); o = mx(o, $5); th = mx(th, $6); f = mx(f, $7); j = mx(j, $8) }
  $2 == "load" { n++; T[n] = $1; R[n] = $3; if (!fr) fr = $3; lr = $3 }
  END {
    # least-squares slope of RSS over the second half of the load samples, MiB per minute
    # (NA with fewer than 3 samples there: run at least ~60 s for a trend)
    s = int(n / 2) + 1; m = 0; sx = sy = sxx = sxy = 0
    for (i = s; i <= n; i++) if (R[i] ~ /^[0-9]+$/) { m++; sx += T[i]; sy += R[i] / 1024; sxx += T[i] * T[i]; sxy += T[i] * R[i] / 1024 }
    slope = (m >= 3 && m * sxx - sx * sx != 0) ? sprintf("%.1f", 60 * (m * sxy - sx * sy) / (m * sxx - sx * sx)) : "NA"
    printf "%.0f %.0f %.0f %d %d %.0f %.0f %.0f %s\n", r / 1024, h / 1024, o / 1024, th, f, j / 1024, fr / 1024, lr / 1024, slope }' "$SAMPLES")

echo
echo "Summary: ${DURATION}s of loggen ${LG_ARGS[*]} (loggen averaged ${LG_RATE} msg/s), heap -Xms$HEAP -Xmx$HEAP (AlwaysPreTouch: $PRETOUCH), fsync=$FSYNC, format $SHIP_FORMAT"
echo "- sent $SENT, received $RECEIVED, loss $LOSS (${LOSS_PCT} %), e2e ${E2E} msg/s, drained=$DRAINED, duplicates $DUPS, holes $HOLES"
echo "- max RSS ${MAX_RSS} MiB (first load sample ${FIRST_RSS} MiB, last ${LAST_RSS} MiB; trend over the second half ${SLOPE} MiB/min)"
echo "- max heap used ${MAX_HEAP} MiB of ${HEAP} (instantaneous, between GCs); max old gen ${MAX_OLD} MiB; max threads ${MAX_THR}; max fds ${MAX_FDS}; max journal ${MAX_J} MiB"
echo "- karaf.log: $KARAF_ERRORS ERROR, $KARAF_WARNS WARN while running; $SHUTDOWN_ERRORS ERROR, $SHUTDOWN_WARNS WARN while stopping"
echo "SOAK server=sluice scenario=$SCENARIO duration_s=$DURATION rate=$RATE size=$SIZE conns=$CONNS sent=$SENT received=$RECEIVED" \
  "loss_pct=$LOSS_PCT e2e_rate=$E2E max_rss_mib=$MAX_RSS rss_slope_mib_per_min=$SLOPE max_heap_used_mib=$MAX_HEAP max_old_gen_mib=$MAX_OLD" \
  "max_threads=$MAX_THR max_fds=$MAX_FDS max_journal_mib=$MAX_J heap=$HEAP pretouch=$PRETOUCH fsync=$FSYNC dups=$DUPS holes=$HOLES" \
  "karaf_errors=$KARAF_ERRORS karaf_warns=$KARAF_WARNS drained=$DRAINED dist_mtime=$SLUICE_TARBALL_MTIME"
