#!/usr/bin/env bash
# pgsql-compare.sh - syslog in, PostgreSQL rows out: rsyslog ompgsql, Sluice, and Sluice without the
# full-text index, runs interleaved (so all see the same machine); medians as a table.
#
# usage: pgsql-compare.sh [-n RUNS] [--count N] [--with-rabbitmq]   (default: -n 3, 400000 messages)
# --with-rabbitmq adds Sluice with its bus over a RabbitMQ of the run's own.
# Every run is one pgsql-client.sh (see there for what is measured); RESULT lines go to
# pgsql-compare-<date>.results in the current directory as well.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

RUNS=3 COUNT=400000 VARIANTS=(rsyslog sluice sluice-nofts)
while (( $# )); do
  case $1 in
    -n) RUNS=$2; shift ;;
    --count) COUNT=$2; shift ;;
    --with-rabbitmq) VARIANTS+=(sluice-rabbitmq) ;;
    -h|--help) sed -n '2,7p' "$0" >&2; exit 2 ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "-n must be a positive number"
OUT=pgsql-compare-$(date +%Y%m%d-%H%M%S).results
log "runs: $RUNS x ${VARIANTS[*]}; $COUNT messages each; results in $OUT"
for ((r = 1; r <= RUNS; r++)); do
  for v in "${VARIANTS[@]}"; do
    args=("${v%%-*}" --count "$COUNT" --tag "run$r")
    [[ $v == sluice-nofts ]] && args+=(--no-fts)
    [[ $v == sluice-rabbitmq ]] && args+=(--rabbitmq)
    log "run $r/$RUNS: $v"
    line=$("$HERE/pgsql-client.sh" "${args[@]}" 2>/dev/null | grep '^RESULT' || true)
    [[ -n $line ]] || line="RESULT server=${v%%-*} scenario=$v failed=1 tag=run$r"
    echo "$line" | tee -a "$OUT"
  done
done

echo
echo "| server | scenario | runs | rows/s (median) | server CPU % | rows |"
echo "|---|---|---:|---:|---:|---:|"
awk '
  /^RESULT/ && !/failed=1/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    k = f["server"] " | " f["scenario"]; n[k]++; rate[k, n[k]] = f["rows_rate"]; cpu[k, n[k]] = f["cpu_pct"]; rows[k] = f["rows"] "/" f["sent"]
  }
  function median(a, k, c,   i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = a[k, i] + 0
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
  }
  END { for (k in n) printf "| %s | %d | %d | %.1f | %s |\n", k, n[k], median(rate, k, n[k]), median(cpu, k, n[k]), rows[k] }
' "$OUT" | sort
