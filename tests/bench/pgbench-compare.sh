#!/usr/bin/env bash
# pgbench select-only against direct PostgreSQL, pgbouncer and the ProxyCluster proxy, interleaved, on the
# throwaway PostgreSQL of cluster-config/up.sh (started here when it is not running). Reports per mode and
# target the median TPS, its ratio to direct, and the CPU the middleman (pgbouncer / proxy node) and the
# PostgreSQL server spent per transaction, read from /proc: on a 2-core machine that also runs pgbench, the
# CPU per transaction is the steadier figure. Run with --help for the options.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
run=$here/.run
cluster_env=$repo/cluster-config/.run/cluster.env
# shellcheck source=../../cluster-config/lib/prereqs.sh
source "$repo/cluster-config/lib/prereqs.sh"
# shellcheck source=../../cluster-config/lib/postgres.sh
source "$repo/cluster-config/lib/postgres.sh"

usage() {
  cat <<EOF
Usage: tests/bench/pgbench-compare.sh [options]

Runs 'pgbench -S' against three targets that share one PostgreSQL and one database 'bench'
(pgbench -i, owned by the upstream role of cluster-config/up.sh):
  direct     PostgreSQL itself, as the upstream role
  pgbouncer  pgbouncer in session pool mode, started here as the postgres user (config in tests/bench/.run/)
  proxy      the ProxyCluster of up.sh (its one node, or HAProxy before several), with a token for route 'bench'
in three modes: simple (-M simple), prepared (-M prepared), connect (-M simple -C, a connection per
transaction). Each round runs every mode against every target, rotating which target goes first; the
table shows medians over rounds. A target that cannot be set up or fails is reported and skipped.

Options:
  --duration S    seconds per pgbench run (-T; default 10)
  --rounds N      rounds (default 3)
  --clients N     pgbench -c (default 8)
  --jobs N        pgbench -j (default 2)
  --scale N       pgbench -i scale (default 10); re-initialised only when it differs
  --warmup S      an unmeasured run of S seconds per target and mode before round 1 (default 10; 0 = none),
                  so JIT compilation and cold caches do not land in the first round: a freshly started
                  node spent ~19% of its CPU in tiered compilation 6-16 s into a pgbench run (perf)
  --targets LIST  comma-separated subset of direct,pgbouncer,proxy (default all)
  --modes LIST    comma-separated subset of simple,prepared,connect (default all)
  --reinit        run pgbench -i even when the database already has the scale
  -h, --help      this text

The table is printed at the end and saved to tests/bench/.run/results-<timestamp>.txt, pgbench's own
output of every run to tests/bench/.run/logs-<timestamp>/. up.sh's cluster is left running.
EOF
}

die() {
  echo "pgbench-compare: error: $*" >&2
  exit 1
}

duration=10
rounds=3
clients=8
jobs=2
scale=10
targets_csv=direct,pgbouncer,proxy
modes_csv=simple,prepared,connect
reinit=0
warmup=10
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=${2:?}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --clients) clients=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --scale) scale=${2:?}; shift 2 ;;
    --targets) targets_csv=${2:?}; shift 2 ;;
    --modes) modes_csv=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --reinit) reinit=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
for n in "$duration" "$rounds" "$clients" "$jobs" "$scale"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[[ "$warmup" =~ ^[0-9]+$ ]] || die "not a number: $warmup"
IFS=, read -r -a targets <<<"$targets_csv"
IFS=, read -r -a modes <<<"$modes_csv"
for t in "${targets[@]}"; do
  case "$t" in direct | pgbouncer | proxy) ;; *) die "unknown target: $t" ;; esac
done
for m in "${modes[@]}"; do
  case "$m" in simple | prepared | connect) ;; *) die "unknown mode: $m" ;; esac
done

proxycluster_need_packages pgbouncer
export PGCONNECT_TIMEOUT=10

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
chmod 755 "$run"
logs=$run/logs-$stamp
mkdir -p "$logs"
results=$run/results-$stamp.txt
say() { echo "[$(date +%T)] $*" >&2; }

# --- the cluster ---------------------------------------------------------------------------------------
upstream_up() {
  [ -f "$cluster_env" ] || return 1
  # shellcheck source=/dev/null
  source "$cluster_env"
  "$PG_BIN/pg_isready" -q -h "$UPSTREAM_HOST" -p "$UPSTREAM_PORT" -t 3
}
if ! upstream_up; then
  say "no running cluster; starting cluster-config/up.sh"
  # Plaintext on every hop: pgbouncer is configured without TLS, so the comparison stays like for like.
  "$repo/cluster-config/up.sh" --no-tls || say "up.sh failed (see above); continuing with what it started"
  upstream_up || die "up.sh did not leave a running PostgreSQL behind"
fi
pg_pid=""
if [ -n "${UPSTREAM_PID_FILE:-}" ] && [ -r "$UPSTREAM_PID_FILE" ]; then
  pg_pid=$(head -n 1 "$UPSTREAM_PID_FILE")
fi
upstream_password=$(cat "$UPSTREAM_PASSWORD_FILE")
# A cluster started with TLS would otherwise give direct and proxy runs TLS (libpq prefers it) and pgbouncer none.
export PGSSLMODE=disable

admin_psql() {
  local db=$1
  shift
  PGPASSWORD=$(cat "$UPSTREAM_ADMIN_PASSWORD_FILE") "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
    "host=$UPSTREAM_HOST port=$UPSTREAM_PORT dbname=$db user=$UPSTREAM_ADMIN_USER" "$@"
}
app_psql() {
  local db=$1
  shift
  PGPASSWORD=$upstream_password "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
    "host=$UPSTREAM_HOST port=$UPSTREAM_PORT dbname=$db user=$UPSTREAM_USER" "$@"
}

# --- the bench database --------------------------------------------------------------------------------
if [ -z "$(admin_psql postgres -c "select 1 from pg_database where datname = 'bench'")" ]; then
  say "creating database bench owned by $UPSTREAM_USER"
  admin_psql postgres -c "CREATE DATABASE bench OWNER \"$UPSTREAM_USER\"" \
    || die "cannot create database bench as $UPSTREAM_ADMIN_USER; create it (owner $UPSTREAM_USER) or use up.sh's throwaway PostgreSQL"
fi
have_scale=$(app_psql bench -c 'select count(*) from pgbench_branches' 2>/dev/null || echo 0)
if [ "$reinit" -eq 1 ] || [ "$have_scale" != "$scale" ]; then
  say "pgbench -i -s $scale into bench"
  PGPASSWORD=$upstream_password "$PG_BIN/pgbench" -i -q -s "$scale" \
    -h "$UPSTREAM_HOST" -p "$UPSTREAM_PORT" -U "$UPSTREAM_USER" bench >"$logs/init.log" 2>&1 \
    || { tail -n 20 "$logs/init.log" >&2; die "pgbench -i failed"; }
fi

# --- targets -------------------------------------------------------------------------------------------
# Per target: connection parameters, the PID whose CPU is the middleman's, and why it is unusable.
declare -A t_host t_port t_user t_password t_pid t_error t_note
t_host[direct]=$UPSTREAM_HOST
t_port[direct]=$UPSTREAM_PORT
t_user[direct]=$UPSTREAM_USER
t_password[direct]=$upstream_password
t_pid[direct]=""

wants() {
  local t
  for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done
  return 1
}

# Waits (bounded) until one query through a target works; prints the last error when it never does.
probe() {
  local target=$1 out i
  for i in $(seq 1 "${2:-30}"); do
    if out=$(PGPASSWORD=${t_password[$target]} "$PG_BIN/psql" -X -At \
      "host=${t_host[$target]} port=${t_port[$target]} dbname=bench user=${t_user[$target]}" \
      -c 'select count(*) from pgbench_branches' 2>&1); then
      return 0
    fi
    sleep 0.5
  done
  echo "$out" | tr '\n' ' '
  return 1
}

pgb_dir=""
pgb_pid=""
stop_pgbouncer() {
  if [ -n "$pgb_pid" ]; then
    proxycluster_stop_pid "$pgb_pid" pgbouncer TERM 10 || true
    pgb_pid=""
  fi
}
trap stop_pgbouncer EXIT

start_pgbouncer() {
  local secret auth port i
  # A pgbouncer left behind by an interrupted run of this script.
  if [ -f "$run/pgbouncer.dir" ]; then
    local old
    old=$(cat "$run/pgbouncer.dir")
    [ -r "$old/pgbouncer.pid" ] && proxycluster_stop_pid "$(cat "$old/pgbouncer.pid")" pgbouncer TERM 10
    case "$old" in /tmp/proxycluster-pgbouncer.*) rm -rf -- "$old" ;; esac
  fi
  # pgbouncer refuses to run as root: it runs as postgres, so its directory must be reachable by that user.
  pgb_dir=$run/pgbouncer
  rm -rf -- "$pgb_dir"
  mkdir -m 700 "$pgb_dir"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pgb_dir"
  if ! proxycluster_as_postgres test -w "$pgb_dir"; then
    rm -rf -- "$pgb_dir"
    pgb_dir=$(proxycluster_as_postgres mktemp -d /tmp/proxycluster-pgbouncer.XXXXXX)
    say "the postgres user cannot reach $run; pgbouncer lives in $pgb_dir"
  fi
  echo "$pgb_dir" >"$run/pgbouncer.dir"

  # The role's SCRAM secret lets pgbouncer verify clients and log in upstream without the password.
  secret=$(admin_psql postgres -c "select rolpassword from pg_authid where rolname = '$UPSTREAM_USER'" 2>/dev/null || true)
  auth="SCRAM secret from pg_authid"
  if [[ "$secret" != SCRAM-SHA-256* ]]; then
    secret=$upstream_password
    auth="plaintext password (no access to pg_authid)"
  fi
  port=$(proxycluster_free_port)
  (umask 077 && printf '"%s" "%s"\n' "$UPSTREAM_USER" "$secret" >"$pgb_dir/userlist.txt")
  cat >"$pgb_dir/pgbouncer.ini" <<EOF
[databases]
bench = host=$UPSTREAM_HOST port=$UPSTREAM_PORT dbname=bench

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $pgb_dir/userlist.txt
pool_mode = session
max_client_conn = 500
default_pool_size = $((clients + 4))
logfile = $pgb_dir/pgbouncer.log
pidfile = $pgb_dir/pgbouncer.pid
log_connections = 0
log_disconnections = 0
ignore_startup_parameters = extra_float_digits
EOF
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pgb_dir/userlist.txt" "$pgb_dir/pgbouncer.ini"
  if ! proxycluster_as_postgres pgbouncer -d -q "$pgb_dir/pgbouncer.ini" >"$pgb_dir/start.log" 2>&1; then
    t_error[pgbouncer]="pgbouncer did not start: $(tail -n 3 "$pgb_dir/start.log" "$pgb_dir/pgbouncer.log" 2>/dev/null | tr '\n' ' ')"
    return
  fi
  for i in $(seq 1 50); do
    [ -s "$pgb_dir/pgbouncer.pid" ] && break
    sleep 0.1
  done
  pgb_pid=$(cat "$pgb_dir/pgbouncer.pid" 2>/dev/null || true)
  if [ -z "$pgb_pid" ]; then
    t_error[pgbouncer]="pgbouncer wrote no PID file in 5 s ($i polls); see $pgb_dir/pgbouncer.log"
    return
  fi
  t_host[pgbouncer]=127.0.0.1
  t_port[pgbouncer]=$port
  t_user[pgbouncer]=$UPSTREAM_USER
  t_password[pgbouncer]=$upstream_password
  t_pid[pgbouncer]=$pgb_pid
  t_note[pgbouncer]="$(pgbouncer --version | head -n 1), session pool of $((clients + 4)), auth_file: $auth"
  local err
  err=$(probe pgbouncer 20) || t_error[pgbouncer]="no query through pgbouncer: $err"
}

json_field() {
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" <<<"$2" | head -n 1
}

setup_proxy() {
  local pid_file pid minted err
  pid_file=${NODE_PID_FILES%% *}
  if [ -z "$pid_file" ] || [ ! -f "$pid_file" ]; then
    t_error[proxy]="up.sh started no node (see $repo/cluster-config/.run/node-1.log and up.sh's message)"
    return
  fi
  pid=$(cat "$pid_file")
  if ! proxycluster_pid_alive "$pid"; then
    t_error[proxy]="the node (PID $pid from $pid_file) is not running; see ${pid_file%.pid}.log"
    return
  fi
  # Through the control store when up.sh started one, else into the token file the node reads.
  local create=(token create --principal bench --route bench --json --actor pgbench-compare)
  [ -z "$TOKEN_FILE" ] || create=(token mint --principal bench --route bench --json --append-to "$TOKEN_FILE")
  # shellcheck disable=SC2086 # PROXYCTL is a command line
  if ! minted=$($PROXYCTL "${create[@]}" 2>&1); then
    t_error[proxy]="proxyctl ${create[*]:0:2} failed: $(echo "$minted" | tail -n 3 | tr '\n' ' ')"
    return
  fi
  t_host[proxy]=$PROXY_HOST
  t_port[proxy]=$PROXY_PORT
  t_user[proxy]=$(json_field user "$minted")
  t_password[proxy]=$(json_field token "$minted")
  t_pid[proxy]=$pid
  t_note[proxy]="node PID $pid, token $(json_field id "$minted")"
  if [ -z "${t_user[proxy]}" ] || [ -z "${t_password[proxy]}" ]; then
    t_error[proxy]="unexpected output of proxyctl: $minted"
    return
  fi
  # A token file is reloaded within about a second; the journal reaches the node within milliseconds.
  err=$(probe proxy 30) || t_error[proxy]="no query through the proxy: $err"
}

wants pgbouncer && start_pgbouncer
wants proxy && setup_proxy
for t in "${targets[@]}"; do
  if [ -n "${t_error[$t]:-}" ]; then say "$t: unusable: ${t_error[$t]}"; else say "$t: ready ${t_note[$t]:-}"; fi
done

# --- runs ----------------------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
declare -A tps_runs own_runs pg_runs fail_runs ok_runs
raw=$logs/runs.tsv
printf 'round\tmode\ttarget\trc\ttps\ttransactions\tmiddleman_cpu_ticks\tpostgres_cpu_ticks\n' >"$raw"

# CPU microseconds per transaction from a tick delta.
per_tx_us() { awk -v d="$1" -v n="$2" -v hz="$clk_tck" 'BEGIN { if (n > 0) printf "%.1f", d / hz * 1e6 / n }'; }

pgbench_args() {
  local mode=$1 target=$2 seconds=$3
  args=(-n -S -c "$clients" -j "$jobs" -T "$seconds"
    -h "${t_host[$target]}" -p "${t_port[$target]}" -U "${t_user[$target]}")
  case "$mode" in
    simple) args+=(-M simple) ;;
    prepared) args+=(-M prepared) ;;
    connect) args+=(-M simple -C) ;;
  esac
}

warm_up() {
  local mode=$1 target=$2 rc=0
  local -a args
  pgbench_args "$mode" "$target" "$warmup"
  PGPASSWORD=${t_password[$target]} timeout $((warmup + 60)) "$PG_BIN/pgbench" "${args[@]}" bench \
    >"$logs/warmup-$mode-$target.log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || say "warm-up $mode $target: exit $rc (see $logs/warmup-$mode-$target.log)"
}

run_one() {
  local round=$1 mode=$2 target=$3 key log rc tps tx own0 own1 pg0 pg1 own_d="" pg_d=""
  local -a args
  pgbench_args "$mode" "$target" "$duration"
  key="$mode/$target"
  log=$logs/r$round-$mode-$target.log
  # A middleman that dies mid-run leaves its CPU unmeasured ("-"), not the script dead.
  own0=""
  [ -z "${t_pid[$target]}" ] || own0=$(proxycluster_cpu_ticks "${t_pid[$target]}") || own0=""
  pg0=""
  [ -z "$pg_pid" ] || pg0=$(proxycluster_pg_cpu_ticks "$pg_pid") || pg0=""
  rc=0
  PGPASSWORD=${t_password[$target]} timeout $((duration + 60)) "$PG_BIN/pgbench" "${args[@]}" bench >"$log" 2>&1 || rc=$?
  # Backends of the run exit right after pgbench disconnects; let the postmaster reap them.
  sleep 0.3
  if [ -n "$own0" ] && own1=$(proxycluster_cpu_ticks "${t_pid[$target]}"); then own_d=$((own1 - own0)); fi
  if [ -n "$pg0" ] && pg1=$(proxycluster_pg_cpu_ticks "$pg_pid"); then pg_d=$((pg1 - pg0)); fi
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log" | head -n 1)
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log" | head -n 1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$mode" "$target" "$rc" "${tps:--}" "${tx:--}" "${own_d:--}" "${pg_d:--}" >>"$raw"
  if [ "$rc" -ne 0 ] || [ -z "$tps" ] || [ -z "$tx" ] || [ "$tx" -eq 0 ]; then
    fail_runs[$key]=$(( ${fail_runs[$key]:-0} + 1 ))
    say "round $round $mode $target: FAILED (exit $rc): $(grep -m 1 -i error "$log" || tail -n 1 "$log")"
    return
  fi
  ok_runs[$key]=$(( ${ok_runs[$key]:-0} + 1 ))
  tps_runs[$key]+=" $tps"
  [ -z "$own_d" ] || own_runs[$key]+=" $(per_tx_us "$own_d" "$tx")"
  [ -z "$pg_d" ] || pg_runs[$key]+=" $(per_tx_us "$pg_d" "$tx")"
  say "round $round $mode $target: $tps tps, $tx tx${own_d:+, middleman $(per_tx_us "$own_d" "$tx") µs CPU/tx}${pg_d:+, postgres $(per_tx_us "$pg_d" "$tx") µs CPU/tx}"
}

usable=()
for t in "${targets[@]}"; do [ -n "${t_error[$t]:-}" ] || usable+=("$t"); done
total=$(( rounds * ${#modes[@]} * ${#usable[@]} ))
say "$total runs of ${duration}s: ${#usable[@]} target(s) × ${#modes[@]} mode(s) × $rounds round(s) — about $(( (total * (duration + 1) + ${#modes[@]} * ${#usable[@]} * warmup) / 60 + 1 )) min"
if [ "$warmup" -gt 0 ]; then
  for mode in "${modes[@]}"; do
    for target in "${usable[@]}"; do warm_up "$mode" "$target"; done
  done
fi
for round in $(seq 1 "$rounds"); do
  for mode in "${modes[@]}"; do
    # Rotate who goes first so no target always runs right after the same neighbour.
    n=${#usable[@]}
    for k in $(seq 0 $((n - 1))); do
      target=${usable[$(( (k + round - 1) % n ))]}
      run_one "$round" "$mode" "$target"
    done
  done
done

# --- report --------------------------------------------------------------------------------------------
median() {
  # shellcheck disable=SC2048,SC2086 # a space-separated list on purpose
  printf '%s\n' $* | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

{
  echo "pgbench -S (select-only) on database bench, scale $scale: $clients clients, $jobs jobs, ${duration}s per run,"
  echo "$rounds interleaved round(s) after a ${warmup}s warm-up; medians over successful runs. *_cpu_us/tx = utime+stime from /proc in"
  echo "microseconds per transaction: mid = the pgbouncer or proxy node process, pg = the whole PostgreSQL server."
  echo "$(date -u +%FT%TZ)  $(nproc) cores  $(uname -r)  git $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo '+dirty')"
  echo "$("$PG_BIN/pgbench" --version)  upstream $UPSTREAM_HOST:$UPSTREAM_PORT ($UPSTREAM_MODE)"
  for t in "${targets[@]}"; do
    [ -z "${t_note[$t]:-}" ] || echo "$t: ${t_note[$t]}"
  done
  echo
  printf '%-9s %-10s %10s %8s %14s %14s %6s\n' mode target TPS x_direct mid_cpu_us/tx pg_cpu_us/tx runs
  for mode in "${modes[@]}"; do
    direct_tps=$(median "${tps_runs[$mode/direct]:-}")
    for t in "${targets[@]}"; do
      key="$mode/$t"
      if [ -n "${t_error[$t]:-}" ]; then
        printf '%-9s %-10s %s\n' "$mode" "$t" "UNAVAILABLE: ${t_error[$t]}"
        continue
      fi
      ok=${ok_runs[$key]:-0}
      runs="$ok/$(( ok + ${fail_runs[$key]:-0} ))"
      if [ "$ok" -eq 0 ]; then
        printf '%-9s %-10s %10s %8s %14s %14s %6s\n' "$mode" "$t" FAILED - - - "$runs"
        continue
      fi
      tps=$(median "${tps_runs[$key]}")
      ratio=-
      [ -z "$direct_tps" ] || ratio=$(awk -v a="$tps" -v b="$direct_tps" 'BEGIN { printf "%.2f", a / b }')
      own=$(median "${own_runs[$key]:-}")
      pgc=$(median "${pg_runs[$key]:-}")
      printf '%-9s %-10s %10.0f %8s %14s %14s %6s\n' "$mode" "$t" "$tps" "$ratio" "${own:--}" "${pgc:--}" "$runs"
    done
  done
  echo
  echo "per-run figures: $raw"
} | tee "$results"
say "saved $results"
