#!/usr/bin/env bash
# relp-compare.sh - RELP with the same sender (bin/sluice-send) against rsyslog imrelp and Sluice,
# plain, TLS, lz4 and TLS+lz4, runs interleaved (rsyslog, Sluice, rsyslog, ...) so that both see
# the same machine; prints a table of medians.
#
# usage: relp-compare.sh [-n RUNS] [--count N] [MODE...]     (default: -n 3, all four modes)
# Every run is one relp-client.sh (see there for what is measured); RESULT lines go to
# relp-compare-<date>.results in the current directory as well.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

RUNS=3 COUNT=1000000 MODES=()
while (( $# )); do
  case $1 in
    -n) RUNS=$2; shift ;;
    --count) COUNT=$2; shift ;;
    plain|tls|lz4|tls-lz4) MODES+=("$1") ;;
    -h|--help) sed -n '2,8p' "$0" >&2; exit 2 ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
(( ${#MODES[@]} )) || MODES=(plain tls lz4 tls-lz4)
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "-n must be a positive number"
OUT=relp-compare-$(date +%Y%m%d-%H%M%S).results
log "runs: $RUNS x ${MODES[*]} x rsyslog,sluice; $COUNT messages each; results in $OUT"

for ((r = 1; r <= RUNS; r++)); do
  for m in "${MODES[@]}"; do
    for s in rsyslog sluice; do
      # rsyslog's imrelp offers no lz4: the client sends plain frames, the row would repeat "plain"
      if [[ $s == rsyslog && $m == *lz4 ]]; then continue; fi
      log "run $r/$RUNS: $s $m"
      line=$("$HERE/relp-client.sh" "$s" "$m" --count "$COUNT" --tag "run$r" 2>/dev/null | grep '^RESULT' || true)
      if [[ -z $line ]]; then line="RESULT server=$s scenario=relp-client-$m failed=1 tag=run$r"; fi
      echo "$line" | tee -a "$OUT"
    done
  done
done

awk '
  function field(k,   i, a) { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } return "" }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " "); if (n == 0) return ""
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  /^RESULT/ {
    s = field("server"); m = field("scenario"); sub(/^relp-client-/, "", m)
    if (field("failed") != "") { failed[s, m]++; next }
    rate[s, m] = rate[s, m] " " field("e2e_rate"); cpu[s, m] = cpu[s, m] " " field("cpu_us_per_msg")
    loss[s, m] += field("loss"); dups[s, m] += field("dups"); seen[m] = 1
  }
  END {
    printf "| mode | rsyslog imrelp msg/s | Sluice msg/s | Sluice / rsyslog | CPU us/msg rsyslog / Sluice | lost (both) | duplicates (both) |\n"
    printf "|---|---:|---:|---:|---:|---:|---:|\n"
    split("plain tls lz4 tls-lz4", order, " ")
    for (i = 1; i <= 4; i++) {
      m = order[i]; if (!(m in seen)) continue
      base = m; sub(/-?lz4$/, "", base); if (base == "") base = "plain"
      r = median(rate["rsyslog", base]); q = median(rate["sluice", m])
      ratio = (r > 0 && q > 0) ? sprintf("%.2f", q / r) : "n/a"
      label = (m ~ /lz4/) ? r " (" base ", no lz4 in imrelp)" : r
      printf "| %s | %s | %s | %s | %s / %s | %d | %d |\n", m, label, q, ratio, median(cpu["rsyslog", base]), median(cpu["sluice", m]),
        loss["rsyslog", base] + loss["sluice", m], dups["rsyslog", base] + dups["sluice", m]
    }
    for (k in failed) { split(k, p, SUBSEP); printf "failed runs: %s %s x%d\n", p[1], p[2], failed[k] }
  }' "$OUT"
