#!/usr/bin/env bash
# Stops what cluster-config/up.sh started, by the PIDs it recorded: HAProxy, the proxy node(s), then the throwaway
# PostgreSQL, whose temporary directory it removes. An external upstream (--upstream) is never touched.
# Idempotent: with nothing running it does nothing. Node logs stay in cluster-config/.run/ for reading.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run=$here/.run
# shellcheck source=lib/postgres.sh
source "$here/lib/postgres.sh"

quiet=0
case "${1:-}" in
  -q | --quiet) quiet=1 ;;
  -h | --help)
    echo "Usage: cluster-config/down.sh [--quiet]  stops the node(s) and the throwaway PostgreSQL of up.sh"
    exit 0 ;;
  "") ;;
  *) echo "down.sh: unknown option: $1 (try --help)" >&2; exit 1 ;;
esac
say() { [ "$quiet" -eq 1 ] || echo "$@" >&2; }

[ -d "$run" ] || { say "nothing to stop"; exit 0; }

status=0
# HAProxy first, so no new client reaches a node that is about to stop.
if [ -f "$run/haproxy.pid" ]; then
  pid=$(cat "$run/haproxy.pid")
  if proxycluster_pid_alive "$pid"; then
    say "stopping HAProxy (PID $pid)"
    proxycluster_stop_pid "$pid" haproxy TERM 5 || status=1
  fi
  rm -f "$run/haproxy.pid"
fi
for pid_file in "$run"/node-*.pid; do
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  name=$(basename "$pid_file" .pid)
  if proxycluster_pid_alive "$pid"; then
    say "stopping $name (PID $pid)"
    # SIGTERM is the host's graceful shutdown; it drains sessions, so give it a while.
    proxycluster_stop_pid "$pid" proxycluster-node TERM 20 || status=1
  fi
  rm -f "$pid_file"
done

if [ -f "$run/upstream.base" ]; then
  base=$(cat "$run/upstream.base")
  if [ -d "$base" ]; then
    say "stopping the throwaway PostgreSQL and removing $base"
    proxycluster_pg_destroy "$base" || status=1
  fi
  [ "$status" -ne 0 ] || rm -f "$run/upstream.base"
fi

rm -f "$run/cluster.env" "$run/tokens.jsonl" "$run/upstream.password" "$run/superuser.password" "$run/control.password" \
  "$run/admin.token" "$run"/node-*.json "$run/haproxy.cfg"
exit "$status"
