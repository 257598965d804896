#!/usr/bin/env bash
# compare.sh - Sluice vs rsyslog vs syslog-ng, end to end, in ONE invocation: runs are interleaved
# (every repetition runs every scenario on every server, the server order rotating between
# repetitions) so that drift of this shared machine hits all servers alike; medians per
# server x scenario are printed as a markdown table.
#
# usage: compare.sh [-n RUNS] [-i INTERVAL] [options] [SCENARIO...]
#   SCENARIO       tcp5424 | tcp | udp (default: tcp5424 tcp)
#   -n RUNS        repetitions (default 3); the table shows medians
#   -i INTERVAL    loggen seconds per run (default 10)
#   -w WARMUP      warm-up seconds before each measured run (default 5), for every server alike:
#                  loggen blasts WARMUP s, the output drains, then the measured run starts.
#                  The peers' run.sh allows interval + warmup <= 30.
#   -r RATE        loggen --rate per connection (default 1000000 = flat out)
#   -s SIZE        loggen --size (default 200)
#   -c CONNS       loggen --active-connections (default 1)
#   -q MAXWAIT     before each run wait up to MAXWAIT s for the box to be <= 15 % busy (default 60; 0: no wait)
#   -o PCT         repeat a run once when CPU used by others during it (other_cpu_pct) exceeded PCT (default 40)
#   --heap SIZE    Sluice heap (default 1024m)
#   --fsync B      Sluice journal + shipper fsync: true (shipped default) | false (page cache only, like the peers)
#   --format F     Sluice shipper format (default rsyslog-file)
#   --servers LIST comma separated subset of rsyslog,syslog-ng,sluice (default all three)
# Peers: $PEERS_DIR/run.sh, PEERS_DIR defaulting to <this dir>/../../../shared/bench/peers
# (i.e. shared/bench/peers next to the repository). If it is missing, only Sluice runs and the
# table says so. Raw RESULT lines, every run's stderr and the table go to $RESULTS_DIR
# (default bench/load/results/, git-ignored).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

usage() { sed -n '2,26p' "$0" >&2; exit 2; }
RUNS=3 INTERVAL=10 WARMUP=5 RATE=1000000 SIZE=200 CONNS=1 QUIET_WAIT=60 OTHER_MAX=40
HEAP=1024m FSYNC=true FORMAT=rsyslog-file SERVERS=rsyslog,syslog-ng,sluice SCENARIOS=()
while (( $# )); do
  case $1 in
    -n) RUNS=$2; shift ;;
    -i) INTERVAL=$2; shift ;;
    -w) WARMUP=$2; shift ;;
    -r) RATE=$2; shift ;;
    -s) SIZE=$2; shift ;;
    -c) CONNS=$2; shift ;;
    -q) QUIET_WAIT=$2; shift ;;
    -o) OTHER_MAX=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --fsync) FSYNC=$2; shift ;;
    --format) FORMAT=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    -h|--help) usage ;;
    -*) die "unknown option $1" ;;
    *) SCENARIOS+=("$1") ;;
  esac
  shift
done
(( ${#SCENARIOS[@]} )) || SCENARIOS=(tcp5424 tcp)
for s in "${SCENARIOS[@]}"; do case $s in tcp|tcp5424|udp|relp) ;; *) die "scenario $s: tcp5424 | tcp | udp | relp" ;; esac; done
for v in RUNS INTERVAL WARMUP RATE SIZE CONNS QUIET_WAIT OTHER_MAX; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done
(( RUNS >= 1 )) || die "-n must be >= 1"

IFS=',' read -ra WANT <<<"$SERVERS"
PEERS_RUN=$PEERS_DIR/run.sh
PEERS_OK=1
if [[ ! -x $PEERS_RUN ]]; then
  PEERS_OK=0
  log "*** peer benchmark NOT FOUND: $PEERS_RUN is missing (set PEERS_DIR to shared/bench/peers)."
  log "*** Running Sluice only; the rsyslog and syslog-ng columns will say 'missing'."
else
  PEERS_RUN=$(cd "$(dirname "$PEERS_RUN")" && pwd)/run.sh
fi
SRV_LIST=()
for s in "${WANT[@]}"; do
  case $s in
    rsyslog|syslog-ng) if (( PEERS_OK )); then SRV_LIST+=("$s"); fi ;;
    sluice) SRV_LIST+=("$s") ;;
    *) die "unknown server $s" ;;
  esac
done
(( ${#SRV_LIST[@]} )) || die "nothing to run"
if (( PEERS_OK )) && (( INTERVAL + WARMUP > 30 )); then die "peers' run.sh needs interval + warmup <= 30 (got $INTERVAL + $WARMUP)"; fi

find_loggen      # fail early (and say where to get it) rather than in every run

RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
mkdir -p "$RESULTS_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW=$RESULTS_DIR/compare-$STAMP.raw
ERRLOG=$RESULTS_DIR/compare-$STAMP.log
TABLE=$RESULTS_DIR/compare-$STAMP.md
: >"$RAW"; : >"$ERRLOG"

# The common options, then the command line of each server (same options for all of them)
COMMON=(--interval "$INTERVAL" --rate "$RATE" --size "$SIZE" --conns "$CONNS")
(( WARMUP > 0 )) && COMMON+=(--warmup "$WARMUP")
server_cmd() {   # server_cmd SERVER SCENARIO -> CMD array
  case $1 in
    sluice) CMD=("$HERE/sluice-run.sh" "$2" "${COMMON[@]}" --heap "$HEAP" --fsync "$FSYNC" --format "$FORMAT") ;;
    *) CMD=("$PEERS_RUN" "$1" "$2" "${COMMON[@]}") ;;
  esac
}
# hard bound of one run: peers' run.sh bounds itself to 60 s; sluice-run.sh to its BOUND_S
SLUICE_BOUND=$(( 90 + WARMUP + 30 + INTERVAL + 15 + 30 + 3 + 60 + 30 ))

# current run and cleanup: a run is a child process; on Ctrl-C stop it by PID (its own trap then
# stops Karaf / the peer daemon by PID)
CUR_PID=""
on_exit() { local rc=$?; trap - EXIT INT TERM; if [[ -n $CUR_PID ]]; then stop_pid "$CUR_PID" 60; fi; exit "$rc"; }
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

TOTAL=0
for sc in "${SCENARIOS[@]}"; do for srv in "${SRV_LIST[@]}"; do
  if [[ $sc == relp && $srv == syslog-ng ]]; then continue; fi
  TOTAL=$(( TOTAL + RUNS ))
done; done
N=0
T_BEGIN=$(date +%s)
log "compare: ${RUNS} x {${SCENARIOS[*]}} x {${SRV_LIST[*]}} = $TOTAL runs; raw: $RAW"
for (( rep = 1; rep <= RUNS; rep++ )); do
  for sc in "${SCENARIOS[@]}"; do
    # rotate the server order per repetition
    order=()
    for (( k = 0; k < ${#SRV_LIST[@]}; k++ )); do order+=("${SRV_LIST[$(( (k + rep - 1) % ${#SRV_LIST[@]} ))]}"); done
    for srv in "${order[@]}"; do
      if [[ $sc == relp && $srv == syslog-ng ]]; then continue; fi   # no RELP in syslog-ng OSE
      N=$((N + 1))
      server_cmd "$srv" "$sc"
      tmo=$SLUICE_BOUND; [[ $srv == sluice ]] || tmo=90
      for attempt in 1 2; do
        pre=NA
        # Write back what the previous run left in the page cache (the peers never fsync their ~1 GB of
        # output), so that no run pays for the writeback of another.
        sync
        if (( QUIET_WAIT > 0 )); then pre=$(wait_quiet "$QUIET_WAIT" 15 || true); fi
        log "[$N/$TOTAL] rep $rep $sc $srv (attempt $attempt, box busy before: ${pre}%): ${CMD[*]}"
        printf '\n===== rep %s %s %s attempt %s: %s\n' "$rep" "$sc" "$srv" "$attempt" "${CMD[*]}" >>"$ERRLOG"
        timeout -k 30 "$tmo" "${CMD[@]}" >"$RESULTS_DIR/.last.out" 2>>"$ERRLOG" &
        CUR_PID=$!
        wait "$CUR_PID" || true
        CUR_PID=""
        line=$(grep '^RESULT' "$RESULTS_DIR/.last.out" | tail -1 || true)
        if [[ -z $line ]]; then
          log "   run FAILED; last lines of its stderr:"; tail -6 "$ERRLOG" >&2 || true
          line="RESULT server=$srv scenario=$sc failed=1"
        fi
        echo "$line compare_server=$srv compare_scenario=$sc rep=$rep attempt=$attempt pre_busy_pct=$pre cmd=${CMD[*]}" >>"$RAW"
        e2e=$(sed -nE 's/.* e2e_rate=([^ ]+).*/\1/p' <<<"$line"); loss=$(sed -nE 's/.* loss_pct=([^ ]+).*/\1/p' <<<"$line")
        other=$(sed -nE 's/.* other_cpu_pct=(-?[0-9]+).*/\1/p' <<<"$line"); other=${other:-0}
        log "   -> e2e ${e2e:-NA} msg/s, loss ${loss:-NA}%, other tenants ${other}% CPU"
        if (( other <= OTHER_MAX )) || (( attempt == 2 )); then break; fi
        log "   other CPU ${other}% > ${OTHER_MAX}%: the machine was busy; repeating this run once"
      done
    done
  done
done
rm -f "$RESULTS_DIR/.last.out"

# ------------------------------------------------------------------ medians and the table
# Only the last attempt of each (scenario, server, rep) counts. Peers report server_cpu_*, Sluice cpu_*.
{
  echo "## Sluice vs rsyslog vs syslog-ng, end to end (loopback, $(nproc) cores)"
  echo
  awk -v scen="${SCENARIOS[*]}" -v peers_ok="$PEERS_OK" -v srvs=" ${SRV_LIST[*]} " '
    function kv(k,   r) { if (!match($0, " " k "=[^ ]*")) return ""; return substr($0, RSTART + length(k) + 2, RLENGTH - length(k) - 2) }
    function med(s,   a, n, i, j, t) { n = split(substr(s, 2), a, ","); if (n == 0) return ""
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (n % 2) ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2 }
    function grp(x,   s, neg) { x = sprintf("%.0f", x); neg = (x < 0); if (neg) x = -x; s = ""
      while (length(x) > 3) { s = "," substr(x, length(x) - 2) s; x = substr(x, 1, length(x) - 3) }; return (neg ? "-" : "") x s }
    { id = kv("compare_scenario") "|" kv("compare_server") "|" kv("rep"); last[id] = $0 }
    END {
      for (id in last) { $0 = last[id]; split(id, p, "|"); k = p[1] "|" p[2]
        if (kv("failed") == "1") { fail[k]++; continue }
        n[k]++; e2e[k] = e2e[k] "," kv("e2e_rate"); loss[k] = loss[k] "," kv("loss_pct"); oth[k] = oth[k] "," kv("other_cpu_pct")
        u = kv("cpu_us_per_msg"); if (u == "") u = kv("server_cpu_us_per_msg"); us[k] = us[k] "," u
        c = kv("cpu_pct"); if (c == "") c = kv("server_cpu_pct"); cpu[k] = cpu[k] "," c }
      ns = split(scen, S, " "); split("rsyslog syslog-ng sluice", V, " ")
      print "| scenario | rsyslog msg/s | syslog-ng msg/s | Sluice msg/s | Sluice/rsyslog ratio | Sluice CPU us/msg |"
      print "|---|---:|---:|---:|---:|---:|"
      for (i = 1; i <= ns; i++) { sc = S[i]; row = "| " sc
        for (j = 1; j <= 3; j++) { k = sc "|" V[j]
          if (n[k]) { m[j] = med(e2e[k]); cell = grp(m[j]); l = med(loss[k]); if (l > 0) cell = cell " (loss " sprintf("%.2f", l) " %)" }
          else { m[j] = ""; cell = (V[j] != "sluice" && !peers_ok) ? "missing" : (S[i] == "relp" && V[j] == "syslog-ng") ? "n/a (no RELP)" : (index(srvs, " " V[j] " ") ? "failed" : "not run") }
          row = row " | " cell }
        ratio = (m[1] != "" && m[3] != "" && m[1] > 0) ? sprintf("%.2f", m[3] / m[1]) : "n/a"
        k = sc "|sluice"; row = row " | " ratio " | " (n[k] ? sprintf("%.2f", med(us[k])) : "n/a") " |"
        print row }
      print ""
      print "Details (medians):"; print ""
      print "| scenario | server | runs ok (failed) | loss % | CPU % of one core | CPU us/msg | other tenants CPU % |"
      print "|---|---|---:|---:|---:|---:|---:|"
      for (i = 1; i <= ns; i++) for (j = 1; j <= 3; j++) { k = S[i] "|" V[j]; if (!n[k] && !fail[k]) continue
        if (!n[k]) { printf "| %s | %s | 0 (%d) | | | | |\n", S[i], V[j], fail[k]; continue }
        printf "| %s | %s | %d (%d) | %.2f | %.0f | %.2f | %.0f |\n", S[i], V[j], n[k], fail[k], med(loss[k]), med(cpu[k]), med(us[k]), med(oth[k]) }
    }' "$RAW"
  echo
  echo "msg/s = lines in the output file / (first byte sent -> last growth of the output file), median of"
  echo "$RUNS run(s) of ${INTERVAL}s after a ${WARMUP}s warm-up; loss = loggen's count - lines; CPU = the receiving"
  echo "process (Karaf's java for Sluice), all threads. Sluice: heap $HEAP, fsync=$FSYNC (journal + shipper),"
  echo "shipper format $FORMAT. rsyslog/syslog-ng: the peers' configurations (page cache, no fsync)."
  echo "Machine: $(nproc) cores, shared; $(date '+%F %T'); ${TOTAL} runs took $(( $(date +%s) - T_BEGIN ))s; load average now $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "Commands (each run once per repetition, in rotating server order):"
  echo '```'
  for sc in "${SCENARIOS[@]}"; do for srv in "${SRV_LIST[@]}"; do server_cmd "$srv" "$sc"; echo "${CMD[*]}"; done; done
  for sc in "${SCENARIOS[@]}"; do
    loggen_args "$sc" "$INTERVAL" "$RATE" "$SIZE" "$CONNS"
    echo "# $sc, every server:  loggen ${LG_ARGS[*]} 127.0.0.1 PORT"
  done
  echo '```'
  if (( ! PEERS_OK )); then echo; echo "**Peer benchmark missing ($PEERS_DIR/run.sh): only Sluice was measured.**"; fi
} | tee "$TABLE"
log "raw RESULT lines: $RAW; stderr of every run: $ERRLOG; table: $TABLE"
