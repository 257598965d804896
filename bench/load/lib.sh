# lib.sh - helpers shared by sluice-run.sh, soak.sh and compare.sh. Source it, do not execute it.
#
# Everything here is loopback only and works on private temp directories; every process a script
# starts is recorded (bg_track) and stopped by PID (bg_stop_all), never by name.
#
# Environment overrides:
#   SLUICE_TARBALL   the distribution to unpack (default: karaf-assembly/target/sluice-karaf-assembly-*.tar.gz)
#   SLUICE_JAVA_HOME JDK for Karaf 4.4 (default /usr/lib/jvm/java-17-openjdk-amd64; Karaf 4.4 needs 17, not 25)
#   PEERS_DIR        folder of the peer benchmark (shared/bench/peers); its .vendor tree provides loggen
#   KEEP_WORK=1      keep the temp directory (unpacked Karaf, journal, output, logs) for inspection
#   TMPDIR           where the temp directories go (default /tmp)
# shellcheck disable=SC2034  # many variables set here are read by the scripts that source this file

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/../.." && pwd)"
PEERS_DIR=${PEERS_DIR:-"$BENCH_DIR/../../../shared/bench/peers"}
SLUICE_JAVA_HOME=${SLUICE_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
CLK_TCK=$(getconf CLK_TCK)

# ------------------------------------------------------------------ messages and arithmetic
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
# calc EXPR [DECIMALS]: floating point via awk (bash only has integers)
calc() { awk "BEGIN { v = ($1); printf \"%.${2:-3}f\", v }"; }
now_us() { echo "${EPOCHREALTIME/./}"; }        # wall clock in integer microseconds, no fork

# ------------------------------------------------------------------ background processes
BG_PIDS=()
bg_track() { BG_PIDS+=("$1"); }
# stop_pid PID [GRACE_S]: SIGTERM, wait up to GRACE_S (default 10) for it to go, then SIGKILL.
# Works for children (reaped with wait) and for grandchildren such as Karaf's java process.
stop_pid() {
  local pid=$1 grace=${2:-10} i=0 st
  [[ -n $pid ]] || return 0
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  while (( i < grace * 10 )); do
    st=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [[ -z $st || $st == Z* ]] && break              # gone, or a zombie waiting to be reaped
    sleep 0.1; i=$((i + 1))
  done
  st=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  if [[ -n $st && $st != Z* ]]; then
    log "pid $pid still running after ${grace}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  wait "$pid" 2>/dev/null || true
  return 0
}
# stop everything tracked, newest first (so a JVM goes before the script that started it)
bg_stop_all() {
  local i
  for (( i = ${#BG_PIDS[@]} - 1; i >= 0; i-- )); do stop_pid "${BG_PIDS[i]}" 30; done
  BG_PIDS=()
}

# ------------------------------------------------------------------ ports and readiness
port_in_use() { ss -Htuan "sport = :$1" 2>/dev/null | grep -q .; }   # any TCP/UDP socket on it
# pick_ports N: N distinct free high ports, one per line
pick_ports() {
  local n=$1 got=() p tries=0
  while (( ${#got[@]} < n )); do
    tries=$((tries + 1)); (( tries < 2000 )) || die "no free ports found"
    p=$(( 20000 + RANDOM % 40000 ))
    port_in_use "$p" && continue
    [[ " ${got[*]} " == *" $p "* ]] && continue
    got+=("$p")
  done
  printf '%s\n' "${got[@]}"
}
# wait_listen tcp|udp PORT TIMEOUT_S [PID that must stay alive]: rc 0 once something listens on
# 127.0.0.1:PORT (a listening TCP socket accepts connections: the kernel completes the handshake).
wait_listen() {
  local proto=$1 port=$2 t=$3 pid=${4:-} i=0 flag=-Hltn
  [[ $proto == udp ]] && flag=-Hlun
  while (( i < t * 10 )); do
    if ss $flag "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1; i=$((i + 1))
  done
  return 1
}

# ------------------------------------------------------------------ CPU accounting (clock ticks)
proc_ticks() {   # utime + stime of a process, all threads; 0 once it is gone
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return 0; }
  s=${s##*) }                      # drop "pid (comm) ": comm may contain spaces
  # shellcheck disable=SC2086
  set -- $s
  echo $(( ${12} + ${13} ))        # fields 14 and 15 of stat, counted from "state" = field 3
}
sys_busy_ticks() {  # all CPUs: user + nice + system + irq + softirq
  local _c u n s _i _io irq sirq _rest
  read -r _c u n s _i _io irq sirq _rest < /proc/stat
  echo $(( u + n + s + irq + sirq ))
}
cpu_busy_pct() {    # % of all cores busy over $1 seconds
  local _c u n s i io irq sirq _r b0 t0 b1 t1
  read -r _c u n s i io irq sirq _r < /proc/stat; b0=$(( u + n + s + irq + sirq )); t0=$(( b0 + i + io ))
  sleep "${1:-1}"
  read -r _c u n s i io irq sirq _r < /proc/stat; b1=$(( u + n + s + irq + sirq )); t1=$(( b1 + i + io ))
  echo $(( t1 > t0 ? 100 * (b1 - b0) / (t1 - t0) : 0 ))
}
# wait_quiet MAX_WAIT_S THRESHOLD_PCT: wait until the box is at most THRESHOLD % busy; echoes the
# last busy %; rc 1 if it never got quiet (the caller goes on anyway and records it)
wait_quiet() {
  local max=$1 thr=$2 waited=0 b
  while :; do
    b=$(cpu_busy_pct 1)
    if (( b <= thr )); then echo "$b"; return 0; fi
    if (( waited >= max )); then echo "$b"; return 1; fi
    log "machine ${b}% busy (other tenants / builds), waiting for <= ${thr}%..."
    sleep 4; waited=$((waited + 5))
  done
}

# udp_drops PORT: datagrams the kernel dropped because the receive buffer of the socket(s) bound to
# port PORT was full (last column of /proc/net/udp and udp6, summed: Netty may bind an IPv6 socket
# or several SO_REUSEPORT ones); NA if there is no such socket
udp_drops() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" 'FNR > 1 && substr($2, length($2) - 4) == p { d += $NF; f = 1 } END { print (f ? d : "NA") }' \
    /proc/net/udp /proc/net/udp6 2>/dev/null || echo NA
}

# ------------------------------------------------------------------ output counting
count_lines() { if [[ -f $1 ]]; then wc -l < "$1"; else echo 0; fi; }
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# ------------------------------------------------------------------ loggen (from syslog-ng)
# Same generator as the peers: the copy unpacked by shared/bench/peers/setup.sh (.vendor) or one on PATH.
LOGGEN=()
find_loggen() {
  local root="$PEERS_DIR/.vendor/root/usr"
  if [[ -x $root/bin/loggen ]]; then
    LOGGEN=(env "SYSLOGNG_PREFIX=$root" "LD_LIBRARY_PATH=$root/lib/syslog-ng" "$root/bin/loggen")
  elif command -v loggen >/dev/null 2>&1; then
    LOGGEN=(loggen)
  else
    die "loggen not found: run $PEERS_DIR/setup.sh as root (or apt-get install syslog-ng-core, which conflicts with rsyslog)"
  fi
}
# loggen_args SCENARIO INTERVAL RATE SIZE CONNS: the exact flags the peers' run.sh uses
loggen_args() {
  local sc=$1
  LG_ARGS=(--rate "$3" --interval "$2" --size "$4" --active-connections "$5")
  case $sc in
    tcp|relp) LG_ARGS+=(--inet --stream) ;;    # relp: loggen feeds the rsyslog omrelp relay over TCP
    tcp5424) LG_ARGS+=(--inet --stream --syslog-proto) ;;
    udp) LG_ARGS+=(--inet --dgram) ;;
    *) die "unknown scenario $sc" ;;
  esac
}
# loggen's summary (stderr): "average rate = 123.45 msg/sec, count=1234, time=10.0, ..."
loggen_field() {  # loggen_field FILE count|rate|time
  local line
  line=$(grep -E 'average rate' "$1" 2>/dev/null | tail -1 || true)
  case $2 in
    count) sed -nE 's/.*count=([0-9]+).*/\1/p' <<<"$line" ;;
    rate) sed -nE 's/.*average rate = ([0-9.]+).*/\1/p' <<<"$line" ;;
    time) sed -nE 's/.*time=([0-9.]+).*/\1/p' <<<"$line" ;;
  esac
}

# ------------------------------------------------------------------ Sluice distribution
# set_cfg FILE KEY VALUE: replace the line "KEY = ..." (append it if absent). awk with ENVIRON, so
# values with '/', '$' or '&' need no escaping.
set_cfg() {
  local f=$1
  [[ -f $f ]] || die "config file $f missing in the distribution"
  K=$2 V=$3 awk '
    BEGIN { k = ENVIRON["K"]; v = ENVIRON["V"]; done = 0 }
    {
      t = $0; sub(/^[ \t]+/, "", t)
      if (!done && index(t, k) == 1 && substr(t, length(k) + 1) ~ /^[ \t]*=/) { print k " = " v; done = 1; next }
      print
    }
    END { if (!done) print k " = " v }' "$f" > "$f.tmp"
  mv "$f.tmp" "$f"
}

# sluice_unpack DIR: copy the tarball once it is stable (it may be rebuilt while we work), check
# it, unpack it into DIR; sets KARAF_DIR.
sluice_unpack() {
  local dir=$1 tb=${SLUICE_TARBALL:-} s1 s2 i
  if [[ -z $tb ]]; then
    tb=$(ls -1t "$REPO_DIR"/karaf-assembly/target/sluice-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
  fi
  [[ -n $tb && -f $tb ]] || die "Sluice distribution not found (karaf-assembly/target/sluice-karaf-assembly-*.tar.gz; build it or set SLUICE_TARBALL)"
  for i in $(seq 60); do          # up to ~2 min for a build that is rewriting it
    s1=$(stat -c '%s %Y' "$tb" 2>/dev/null || true); sleep 1; s2=$(stat -c '%s %Y' "$tb" 2>/dev/null || true)
    if [[ -n $s1 && $s1 == "$s2" ]] && cp "$tb" "$dir/dist.tar.gz" && gzip -t "$dir/dist.tar.gz" 2>/dev/null; then break; fi
    rm -f "$dir/dist.tar.gz"
    log "distribution is being rewritten, waiting ($i)..."
  done
  [[ -f $dir/dist.tar.gz ]] || die "could not get a complete copy of $tb"
  SLUICE_TARBALL_MTIME=$(date -r "$tb" +%FT%T)
  tar xzf "$dir/dist.tar.gz" -C "$dir"
  rm -f "$dir/dist.tar.gz"
  KARAF_DIR=$(dirname "$(dirname "$(ls -1d "$dir"/*/bin/karaf | head -1)")")   # <dir>/<name>/bin/karaf
  [[ -x $KARAF_DIR/bin/karaf ]] || die "no bin/karaf in the unpacked distribution"
}

# sluice_configure: ports, paths and output of the unpacked copy. Reads: KARAF_DIR WORK TCP_PORT
# UDP_PORT RELP_PORT SSH_PORT RMI_REG_PORT RMI_SRV_PORT OUT_DIR SHIP_FORMAT SHIP_TEMPLATE FSYNC
sluice_configure() {
  local e=$KARAF_DIR/etc
  set_cfg "$e/io.sluice.syslog.tcp-main.cfg" port "$TCP_PORT"
  set_cfg "$e/io.sluice.syslog.tcp-main.cfg" bindAddress 127.0.0.1
  set_cfg "$e/io.sluice.syslog.udp-main.cfg" port "$UDP_PORT"
  set_cfg "$e/io.sluice.syslog.udp-main.cfg" bindAddress 127.0.0.1
  set_cfg "$e/io.sluice.syslog.relp-main.cfg" port "$RELP_PORT"
  set_cfg "$e/io.sluice.syslog.relp-main.cfg" bindAddress 127.0.0.1
  set_cfg "$e/io.sluice.syslog.unix-local.cfg" path "$WORK/log.sock"
  set_cfg "$e/org.apache.karaf.shell.cfg" sshPort "$SSH_PORT"
  set_cfg "$e/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
  set_cfg "$e/org.apache.karaf.management.cfg" rmiRegistryPort "$RMI_REG_PORT"
  set_cfg "$e/org.apache.karaf.management.cfg" rmiServerPort "$RMI_SRV_PORT"
  # one output file, never rotated (rotation would split the file we count)
  set_cfg "$e/io.sluice.shipper.file-main.cfg" directory "$OUT_DIR"
  set_cfg "$e/io.sluice.shipper.file-main.cfg" path all.log
  set_cfg "$e/io.sluice.shipper.file-main.cfg" format "$SHIP_FORMAT"
  set_cfg "$e/io.sluice.shipper.file-main.cfg" maxFileBytes 0
  set_cfg "$e/io.sluice.shipper.file-main.cfg" maxFileAgeSeconds 0
  if [[ -n ${SHIP_TEMPLATE:-} ]]; then set_cfg "$e/io.sluice.shipper.file-main.cfg" template "$SHIP_TEMPLATE"; fi
  # durability: the shipped default is fsync on (journal publish and shipper batch); --fsync false
  # turns both off for a page-cache-only comparison like the peers' (which never fsync)
  set_cfg "$e/io.sluice.core.cfg" fsync "$FSYNC"
  set_cfg "$e/io.sluice.shipper.file-main.cfg" fsync "$FSYNC"
  # experiments: SLUICE_CFG="pid:key=value ..." sets more keys, e.g.
  # SLUICE_CFG="io.sluice.syslog.tcp-main:maxBatchEvents=8000 io.sluice.core:groupCommitMicros=500"
  local kv pid
  for kv in ${SLUICE_CFG:-}; do
    pid=${kv%%:*}; kv=${kv#*:}
    [[ $kv == *=* && -f $e/$pid.cfg ]] || die "SLUICE_CFG: '$pid:$kv' is not pid:key=value of an existing etc/pid.cfg"
    set_cfg "$e/$pid.cfg" "${kv%%=*}" "${kv#*=}"
  done
  OUT_FILE=$OUT_DIR/all.log
  mkdir -p "$OUT_DIR"
}

# sluice_start HEAP WAIT_PROTO WAIT_PORT: start `bin/karaf server`, find its java child, wait
# until WAIT_PORT listens. Sets KARAF_SCRIPT_PID and JAVA_PID (both tracked for cleanup).
# The heap: Karaf 4.4's Unix scripts no longer read JAVA_MAX_MEM/JAVA_MIN_MEM (only the .bat
# files do), so -Xms/-Xmx go in through EXTRA_JAVA_OPTS; JAVA_MAX_MEM/JAVA_MIN_MEM are set too.
sluice_start() {
  local heap=$1 proto=$2 port=$3 i p t0
  [[ -x $SLUICE_JAVA_HOME/bin/java ]] || die "JDK 17 not found at $SLUICE_JAVA_HOME (set SLUICE_JAVA_HOME)"
  t0=$(now_us)
  ( cd "$KARAF_DIR" && exec env JAVA_HOME="$SLUICE_JAVA_HOME" JAVA_MAX_MEM="$heap" JAVA_MIN_MEM="$heap" \
      EXTRA_JAVA_OPTS="-Xms$heap -Xmx$heap ${SLUICE_EXTRA_JAVA_OPTS:-}" \
      bin/karaf server ) >"$WORK/karaf.stdout" 2>&1 &
  KARAF_SCRIPT_PID=$!; bg_track "$KARAF_SCRIPT_PID"
  JAVA_PID=""
  for i in $(seq 300); do          # the script first runs `java -version`: pick the Karaf main JVM
    for p in $(pgrep -P "$KARAF_SCRIPT_PID" 2>/dev/null || true); do
      if { tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null | grep -q 'org.apache.karaf.main.Main'; then JAVA_PID=$p; fi
    done
    [[ -n $JAVA_PID ]] && break
    kill -0 "$KARAF_SCRIPT_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $JAVA_PID ]]; then tail -20 "$WORK/karaf.stdout" >&2; die "Karaf's java process did not start"; fi
  bg_track "$JAVA_PID"             # stopped before the script (bg_stop_all goes newest first)
  if ! wait_listen "$proto" "$port" 90 "$JAVA_PID"; then
    tail -20 "$WORK/karaf.stdout" >&2; tail -20 "$KARAF_DIR/data/log/karaf.log" >&2 2>/dev/null || true
    die "Sluice did not listen on 127.0.0.1:$port/$proto within 90 s"
  fi
  STARTUP_S=$(calc "($(now_us) - $t0) / 1e6" 1)
  log "Sluice up in ${STARTUP_S}s: karaf script pid $KARAF_SCRIPT_PID, java pid $JAVA_PID, heap -Xmx$heap, $proto port $port"
}

# relp_relay_start INPORT RHOST RPORT: the peers' RELP sender, unchanged (shared/bench/peers/run.sh):
# rsyslogd with imtcp on 127.0.0.1:INPORT forwarding with omrelp (windowSize 2048, see the RELP
# pitfall in peers/RESULTS.md; RS_OMRELP_EXTRA as there) to RHOST:RPORT. Sets RELAY_PID (tracked).
relp_relay_start() {
  local inport=$1 rhost=$2 rport=$3 conf="$WORK/relay.conf"
  command -v rsyslogd >/dev/null || die "rsyslogd missing (apt-get install rsyslog rsyslog-relp)"
  mkdir -p "$WORK/relay-work"
  cat > "$conf" <<EOF
global(workDirectory="$WORK/relay-work" maxMessageSize="8k")
module(load="imtcp" maxSessions="1000")
module(load="omrelp")
input(type="imtcp" address="127.0.0.1" port="$inport" ruleset="fwd")
ruleset(name="fwd") { action(type="omrelp" target="$rhost" port="$rport" template="RSYSLOG_ForwardFormat" ${RS_OMRELP_EXTRA-windowSize=\"2048\"}) }
*.* action(type="omfile" file="$WORK/relay-internal.log")
EOF
  rsyslogd -N1 -f "$conf" >"$WORK/relay-check.log" 2>&1 || { cat "$WORK/relay-check.log" >&2; die "relay config invalid"; }
  rsyslogd -n -f "$conf" -i "$WORK/relay.pid" >"$WORK/relay.stderr" 2>&1 &
  RELAY_PID=$!; bg_track "$RELAY_PID"
  wait_listen tcp "$inport" 10 "$RELAY_PID" || { cat "$WORK/relay.stderr" >&2; die "RELP relay did not start"; }
  log "rsyslog omrelp relay pid $RELAY_PID: imtcp 127.0.0.1:$inport -> relp $rhost:$rport"
}

# pg_start PORT [EXTRA_POSTGRES_OPTIONS]: a PostgreSQL of the run's own (Debian's binaries, initdb
# in $WORK/pg, trust auth for user sluice, a database sluice, loopback only, fsync on), as the
# postgres user when root. Sets PG_BIN, PG_DATA, PSQL (an array: psql as sluice); pg_stop stops it.
pg_start() {
  local port=$1 extra=${2:-}
  PG_BIN=$(ls -1d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -x $PG_BIN/pg_ctl ]] || die "PostgreSQL server binaries missing (apt-get install postgresql)"
  command -v psql >/dev/null || die "psql missing (apt-get install postgresql-client)"
  PG_DATA=$WORK/pg/data
  mkdir -p "$WORK/pg"; if (( EUID == 0 )); then chown postgres:postgres "$WORK/pg"; fi
  pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U sluice --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/postgres.log" -w -t 60 \
    -o "-p $port -k $PG_DATA -c listen_addresses=127.0.0.1 $extra" start >/dev/null \
    || { tail -20 "$WORK/pg/postgres.log" >&2; die "PostgreSQL did not start"; }
  PSQL=(psql -X -q -t -A -h 127.0.0.1 -p "$port" -U sluice)
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE sluice"
  log "PostgreSQL $("${PSQL[@]}" -d postgres -c 'SHOW server_version') on 127.0.0.1:$port (data $PG_DATA)"
}
pg_as() { if (( EUID == 0 )); then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_stop() {
  if [[ -n ${PG_DATA:-} && -f $PG_DATA/postmaster.pid ]]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  return 0
}

# rabbitmq_start DIR PORT: a RabbitMQ of the run's own (Debian's rabbitmq-server): its own node name,
# epmd, AMQP and distribution ports on loopback, data under DIR, no plugin; as root it runs as the
# rabbitmq user. Sets RABBITMQ_PID (tracked); rabbitmq_stop stops it and its epmd.
rabbitmq_start() {
  local dir=$1 port=$2 epmd_port dist_port i ports
  [[ -n $dir && -n $port ]] || die "rabbitmq_start DIR PORT"
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || die "rabbitmq-server missing (apt-get install rabbitmq-server)"
  mapfile -t ports < <(pick_ports 2); epmd_port=${ports[0]} dist_port=${ports[1]}
  mkdir -p "$dir"; echo '[].' > "$dir/enabled_plugins"
  RABBITMQ_NODE=bench$$x$port@localhost
  {
    echo "export HOME=$dir RABBITMQ_NODENAME=$RABBITMQ_NODE RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port"
    echo "export RABBITMQ_DIST_PORT=$dist_port ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1"
    echo "export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins"
    echo "export RABBITMQ_PID_FILE=$dir/broker.pid RABBITMQ_CONFIG_FILE=$dir/none RABBITMQ_ADVANCED_CONFIG_FILE=$dir/none-advanced.config"
    echo "export RABBITMQ_CONF_ENV_FILE=$dir/none-env"
  } > "$dir/env.sh"
  RABBITMQ_AS=()
  if (( EUID == 0 )); then chown -R rabbitmq:rabbitmq "$dir"; chmod 755 "$(dirname "$dir")"; RABBITMQ_AS=(runuser -u rabbitmq --); fi
  RABBITMQ_ENV=$dir/env.sh
  "${RABBITMQ_AS[@]}" /bin/sh -c ". '$RABBITMQ_ENV'; exec epmd -address 127.0.0.1 -port $epmd_port" >"$WORK/epmd.log" 2>&1 &
  RABBITMQ_EPMD_PID=$!; bg_track "$RABBITMQ_EPMD_PID"
  "${RABBITMQ_AS[@]}" /bin/sh -c ". '$RABBITMQ_ENV'; exec /usr/lib/rabbitmq/bin/rabbitmq-server" >"$WORK/rabbitmq.log" 2>&1 &
  RABBITMQ_PID=$!; bg_track "$RABBITMQ_PID"
  wait_listen tcp "$port" 90 "$RABBITMQ_PID" || { tail -20 "$WORK/rabbitmq.log" >&2; die "RabbitMQ did not listen on $port"; }
  for i in $(seq 100); do rabbitmq_ctl await_startup >/dev/null 2>&1 && break; sleep 0.3; done
  log "RabbitMQ $RABBITMQ_NODE on 127.0.0.1:$port (pid $RABBITMQ_PID)"
}
rabbitmq_ctl() {
  "${RABBITMQ_AS[@]}" /bin/sh -c ". '$RABBITMQ_ENV'; exec /usr/lib/rabbitmq/bin/rabbitmqctl -n $RABBITMQ_NODE \"\$@\"" rabbitmqctl "$@"
}
# rabbitmq_stop: the broker (rabbitmqctl stop, then its process tree by PID) and its epmd; idempotent
rabbitmq_stop() {
  if [[ -n ${RABBITMQ_PID:-} ]]; then
    rabbitmq_ctl stop >/dev/null 2>&1 || true
    pkill -KILL -P "$RABBITMQ_PID" 2>/dev/null || true
    stop_pid "$RABBITMQ_PID" 10
    RABBITMQ_PID=""
  fi
  if [[ -n ${RABBITMQ_EPMD_PID:-} ]]; then stop_pid "$RABBITMQ_EPMD_PID" 5; RABBITMQ_EPMD_PID=""; fi
  return 0
}

# sluice_stop: java first (graceful SIGTERM = Karaf shutdown), then the script; idempotent
sluice_stop() {
  if [[ -n ${JAVA_PID:-} ]]; then stop_pid "$JAVA_PID" 30; fi
  if [[ -n ${KARAF_SCRIPT_PID:-} ]]; then stop_pid "$KARAF_SCRIPT_PID" 10; fi
  return 0
}

# karaf_log_mark: remember how far karaf.log got before we stop Karaf, so that what Karaf logs while
# shutting down (e.g. a harmless JMX "Task rejected" WARN) is reported apart from the run itself.
KARAF_LOG_MARK=""
karaf_log_mark() { KARAF_LOG_MARK=$(count_lines "$KARAF_DIR/data/log/karaf.log"); }

# karaf_log_summary: ERROR/FATAL and WARN lines of data/log/karaf.log up to the mark (KARAF_ERRORS,
# KARAF_WARNS) and after it (SHUTDOWN_ERRORS, SHUTDOWN_WARNS); the first distinct ones on stderr.
karaf_log_summary() {
  local f=$KARAF_DIR/data/log/karaf.log mark=${KARAF_LOG_MARK:-}
  KARAF_ERRORS=0 KARAF_WARNS=0 SHUTDOWN_ERRORS=0 SHUTDOWN_WARNS=0
  [[ -f $f ]] || return 0
  [[ -n $mark ]] || mark=$(count_lines "$f")
  read -r KARAF_ERRORS KARAF_WARNS SHUTDOWN_ERRORS SHUTDOWN_WARNS < <(awk -v m="$mark" '
    / \| (ERROR|FATAL) +\| / { if (NR <= m) e++; else se++ }
    / \| WARN +\| /          { if (NR <= m) w++; else sw++ }
    END { printf "%d %d %d %d\n", e, w, se, sw }' "$f")
  if (( KARAF_ERRORS + KARAF_WARNS + SHUTDOWN_ERRORS + SHUTDOWN_WARNS > 0 )); then
    log "karaf.log: $KARAF_ERRORS ERROR + $KARAF_WARNS WARN while running, $SHUTDOWN_ERRORS ERROR + $SHUTDOWN_WARNS WARN while stopping; first distinct ones:"
    grep -nE ' \| (ERROR|FATAL|WARN) +\| ' "$f" | cut -d'|' -f1,2,4- | cut -c1-260 | awk -F'|' '!seen[$2 $3 substr($5, 1, 60)]++' | head -8 >&2 || true
  fi
}

# seq_check FILE: loggen writes "seq: N, thread: T, runid: R" into every message. Counts lines that
# carry it, distinct (runid, thread, seq) triples and holes below the highest seq of each stream.
# Echoes "lines distinct dups holes". mawk when present: ~4x faster than gawk here (~6 s for 3M lines).
seq_check() {
  local awkbin=awk
  command -v mawk >/dev/null 2>&1 && awkbin=mawk
  $awkbin '
    {
      i = index($0, "seq: "); if (!i) next
      split(substr($0, i + 5, 48), a, /[^0-9]+/)        # a[1] seq, a[2] thread, a[3] runid
      n++; k = a[3] "/" a[2]; q = a[1] + 0
      if (!((k, q) in seen)) { seen[k, q] = 1; d++; c[k]++ }
      if (!(k in mx) || q > mx[k]) mx[k] = q
    }
    END { h = 0; for (k in mx) h += mx[k] + 1 - c[k]; printf "%d %d %d %d\n", n, d, n - d, h }' "$1" 2>/dev/null || echo "0 0 0 0"
}
