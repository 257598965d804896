#!/usr/bin/env bash
# variants.sh - Sluice against itself: the same scenario under several configurations, runs
# interleaved (A B C A B C ...) so that drift of this shared machine hits every variant alike;
# prints the median msg/s and CPU us/msg of each. Used to decide tuning before a compare.sh run.
#
# usage: variants.sh [-n RUNS] [-i INTERVAL] [-w WARMUP] [-s SCENARIO] VARIANT...
#   VARIANT   a label, '=', then space separated pid:key=value settings (see SLUICE_CFG in lib.sh);
#             'default=' for the shipped configuration. Example:
#             variants.sh -n 4 default= 'commit3ms=io.sluice.core:groupCommitMicros=3000'
#             A setting java:OPTION passes OPTION to Sluice's JVM instead (SLUICE_EXTRA_JAVA_OPTS), e.g.
#             'parallel=java:-XX:+UseParallelGC'
#   -n RUNS   runs per variant (default 3); -i / -w: loggen interval and warm-up seconds (10 / 5)
#   -r RATE   loggen --rate (default 1000000 = flat out); a fixed rate the box can take compares
#             the variants' CPU per message, which drifts less than their top speed
#   -s        scenario of sluice-run.sh (default tcp5424)
# Raw RESULT lines go to $RESULTS_DIR (default bench/load/results/).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
RUNS=3 INTERVAL=10 WARMUP=5 RATE=1000000 SCENARIO=tcp5424 VARIANTS=()
while (( $# )); do
  case $1 in
    -n) RUNS=$2; shift ;;
    -i) INTERVAL=$2; shift ;;
    -w) WARMUP=$2; shift ;;
    -r) RATE=$2; shift ;;
    -s) SCENARIO=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0" >&2; exit 2 ;;
    *=*) VARIANTS+=("$1") ;;
    *) die "a variant is label=settings: $1" ;;
  esac
  shift
done
(( ${#VARIANTS[@]} )) || die "no variant given"
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
mkdir -p "$RESULTS_DIR"
RAW=$RESULTS_DIR/variants-$(date +%Y%m%d-%H%M%S).raw
: >"$RAW"
for (( rep = 1; rep <= RUNS; rep++ )); do
  for v in "${VARIANTS[@]}"; do
    label=${v%%=*} cfg='' jvm=''
    for setting in ${v#*=}; do
      case $setting in
        java:*) jvm+=" ${setting#java:}" ;;
        *) cfg+=" $setting" ;;
      esac
    done
    log "rep $rep/$RUNS variant $label: ${v#*=}"
    line=$(SLUICE_CFG="$cfg" SLUICE_EXTRA_JAVA_OPTS="${SLUICE_EXTRA_JAVA_OPTS:-}$jvm" timeout -k 30 400 "$HERE/sluice-run.sh" "$SCENARIO" --interval "$INTERVAL" --warmup "$WARMUP" --rate "$RATE" \
      2>>"$RAW.log" | grep '^RESULT' | tail -1 || true)
    [[ -n $line ]] || line="RESULT failed=1"
    echo "variant=$label rep=$rep $line" >>"$RAW"
    log "   -> $(sed -nE 's/.* e2e_rate=([^ ]+).* cpu_us_per_msg=([^ ]+).*/\1 msg\/s, \2 us\/msg/p' <<<"$line")"
  done
done
echo "| variant | runs | msg/s (each) | median msg/s | median CPU us/msg |"
echo "|---|---:|---|---:|---:|"
for v in "${VARIANTS[@]}"; do
  label=${v%%=*}
  awk -v l="$label" '
    function kv(k) { if (!match($0, " " k "=[^ ]*")) return ""; return substr($0, RSTART + length(k) + 2, RLENGTH - length(k) - 2) }
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    $1 == "variant=" l && kv("e2e_rate") != "" { n++; r[n] = kv("e2e_rate") + 0; u[n] = kv("cpu_us_per_msg") + 0; all = all (n > 1 ? " · " : "") r[n] }
    END { if (!n) { printf "| %s | 0 | | | |\n", l; exit } printf "| %s | %d | %s | %.0f | %.2f |\n", l, n, all, med(r, n), med(u, n) }' "$RAW"
done
log "raw: $RAW"
