# shellcheck shell=bash
# Throwaway PostgreSQL clusters for ProxyCluster's scripts. Sourced, not run.
#
# PostgreSQL refuses to run as root, so when the caller is root every server-side command runs as the
# `postgres` user (runuser); otherwise as the caller. A cluster lives in one base directory under /tmp:
#   BASE/data                 the data directory (initdb)
#   BASE/postgres.log         the server log
#   BASE/port                 the TCP port (127.0.0.1 only); the unix socket is BASE/.s.PGSQL.<port>
#   BASE/superuser.password   the password of the superuser `postgres` (SCRAM over TCP; the socket is trust)
# Nothing here touches a system cluster (no pg_ctlcluster, never port 5432): servers are stopped by PID.
#
#   base=$(proxycluster_pg_create)        # mktemp -d owned by the server user
#   proxycluster_pg_init "$base" "$(proxycluster_free_port)"
#   proxycluster_pg_start "$base"         # waits until pg_isready
#   proxycluster_pg_psql "$base" -d postgres -c 'select 1'
#   proxycluster_pg_destroy "$base"       # stop by PID, then rm -rf

PROXYCLUSTER_PG_BIN=${PROXYCLUSTER_PG_BIN:-/usr/lib/postgresql/15/bin}

# True when something accepts TCP connections on 127.0.0.1:PORT.
proxycluster_port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && return 0
  fi
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
}

# Prints a loopback TCP port nobody listens on, below the kernel's ephemeral range so outgoing
# connections (pgbench -C makes many) cannot be holding it.
proxycluster_free_port() {
  local port i
  for i in $(seq 1 200); do
    port=$(( 20000 + (SRANDOM % 12000) ))
    if ! proxycluster_port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "error: no free loopback port found in 20000-31999 after $i tries" >&2
  return 1
}

# Runs a command as the server user (postgres when we are root), from a directory that user can enter.
proxycluster_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd /tmp && runuser -u postgres -- "$@")
  else
    (cd /tmp && "$@")
  fi
}

# Creates an empty base directory owned by the server user and prints its path.
proxycluster_pg_create() {
  proxycluster_as_postgres mktemp -d /tmp/proxycluster-pg.XXXXXX
}

# initdb into BASE/data with a random superuser password; configures a throwaway server on PORT.
proxycluster_pg_init() {
  local base=$1 port=$2 password
  [ -d "$base" ] || { echo "error: $base does not exist" >&2; return 1; }
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # Readable by the server user only; root writes it and hands it over.
  (umask 077 && printf '%s\n' "$password" >"$base/superuser.password")
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$base/superuser.password"
  echo "$port" >"$base/port"
  proxycluster_as_postgres "$PROXYCLUSTER_PG_BIN/initdb" -D "$base/data" -U postgres -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$base/superuser.password" --no-sync \
    >"$base/initdb.log" 2>&1 || {
    echo "error: initdb failed; last lines of $base/initdb.log:" >&2
    tail -n 20 "$base/initdb.log" >&2
    return 1
  }
  # The server user owns the file; appending as root keeps its owner.
  cat >>"$base/data/postgresql.conf" <<EOF

# --- throwaway cluster for ProxyCluster scripts (durability off on purpose) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
logging_collector = off
log_min_messages = warning
log_connections = off
EOF
}

# Starts the server of BASE and waits (bounded) until it accepts connections.
proxycluster_pg_start() {
  local base=$1 timeout=${2:-30}
  proxycluster_as_postgres "$PROXYCLUSTER_PG_BIN/pg_ctl" start -D "$base/data" -l "$base/postgres.log" \
    -w -t "$timeout" >"$base/pg_ctl.log" 2>&1 || {
    echo "error: PostgreSQL did not start; last lines of $base/postgres.log:" >&2
    tail -n 20 "$base/postgres.log" >&2 2>/dev/null || cat "$base/pg_ctl.log" >&2
    return 1
  }
  proxycluster_pg_wait_ready "$base" "$timeout"
}

proxycluster_pg_wait_ready() {
  local base=$1 timeout=${2:-30} port i
  port=$(cat "$base/port")
  for i in $(seq 1 $((timeout * 5))); do
    "$PROXYCLUSTER_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 && return 0
    sleep 0.2
  done
  echo "error: PostgreSQL on 127.0.0.1:$port not ready after ${timeout}s ($i probes); last log lines:" >&2
  tail -n 20 "$base/postgres.log" >&2 2>/dev/null || true
  return 1
}

# Prints the postmaster PID of BASE (first line of postmaster.pid); fails when it is not running.
proxycluster_pg_pid() {
  local base=$1 pid
  [ -r "$base/data/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$base/data/postmaster.pid")
  [[ "$pid" =~ ^[0-9]+$ ]] && proxycluster_pid_alive "$pid" || return 1
  echo "$pid"
}

# True while PID exists and is not a zombie.
proxycluster_pid_alive() {
  local state
  [ -r "/proc/$1/stat" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Stops PID if it is still alive and its command line contains PATTERN (so a recycled PID is never
# signalled): SIGNAL (default TERM), bounded wait, then SIGQUIT, then SIGKILL.
proxycluster_stop_pid() {
  local pid=$1 pattern=$2 signal=${3:-TERM} timeout=${4:-20} i
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  proxycluster_pid_alive "$pid" || return 0
  if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"; then
    echo "note: PID $pid is not $pattern any more; left alone" >&2
    return 0
  fi
  kill -s "$signal" "$pid" 2>/dev/null || true
  proxycluster_wait_gone "$pid" $((timeout * 10)) && return 0
  echo "warning: $pattern (PID $pid) ignored SIG$signal for ${timeout}s; sending SIGQUIT" >&2
  kill -s QUIT "$pid" 2>/dev/null || true
  proxycluster_wait_gone "$pid" 50 && return 0
  echo "warning: killing $pattern (PID $pid)" >&2
  kill -s KILL "$pid" 2>/dev/null || true
  proxycluster_wait_gone "$pid" 50 && return 0
  echo "error: PID $pid survived SIGKILL" >&2
  return 1
}

# True once PID has exited, polling every 0.1 s at most POLLS times.
proxycluster_wait_gone() {
  local pid=$1 polls=$2 i
  for ((i = 0; i < polls; i++)); do
    proxycluster_pid_alive "$pid" || return 0
    sleep 0.1
  done
  return 1
}

# Fast shutdown (SIGINT) of the server of BASE by its postmaster PID; idempotent.
proxycluster_pg_stop() {
  local base=$1 pid
  pid=$(proxycluster_pg_pid "$base") || return 0
  proxycluster_stop_pid "$pid" postgres INT "${2:-30}"
}

# Stops the server of BASE and removes BASE. Refuses paths that are not ours.
proxycluster_pg_destroy() {
  local base=$1
  case "$base" in
    /tmp/proxycluster-pg.*) ;;
    *) echo "error: refusing to remove $base (not a /tmp/proxycluster-pg.* directory)" >&2; return 1 ;;
  esac
  [ -d "$base" ] || return 0
  proxycluster_pg_stop "$base"
  rm -rf -- "$base"
}

# psql as the superuser over the unix socket of BASE (trust); extra arguments go to psql.
proxycluster_pg_psql() {
  local base=$1
  shift
  PGCONNECT_TIMEOUT=10 "$PROXYCLUSTER_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$base" -p "$(cat "$base/port")" -U postgres "$@"
}

# User CPU + system CPU of PID so far, in clock ticks (fields 14 and 15 of /proc/PID/stat); fails when
# PID is gone.
proxycluster_cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' <<<"$stat"
}

# CPU of a whole PostgreSQL server so far, in clock ticks: the postmaster, its live children, and the
# children it has already reaped (cutime/cstime), so backends that came and went are counted too.
proxycluster_pg_cpu_ticks() {
  # One awk over every process (cat skips the ones that vanish meanwhile); "pid (comm) " is cut first
  # because comm may contain spaces, leaving state=$1 ppid=$2 utime=$12 stime=$13 cutime=$14 cstime=$15.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$1" '
    { pid = $1; sub(/^[0-9]+ \(.*\) /, "") }
    pid == p { s += $12 + $13 + $14 + $15 }
    $2 == p  { s += $12 + $13 }
    END { print s + 0 }'
}
