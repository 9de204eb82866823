#!/usr/bin/env bash
# How fast a revocation takes effect across the cluster: starts a 3-node cluster with cluster-config/up.sh
# (HAProxy in front, control store on the throwaway PostgreSQL), then for each of N tokens opens one live
# session on every node, revokes the token through the last node's admin API and measures, from the moment
# the revoke call returns, until (a) every node refuses the token and (b) every live session has ended.
# Prints p50/p99/max. Goal: p99 under 50 ms on loopback. Run with --help for the options.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
  cat <<USAGE
Usage: tests/bench/revocation-latency.sh [--iterations N] [--nodes N] [--keep]

  --iterations N  revocations to measure (default 50)
  --nodes N       cluster size (default 3)
  --keep          leave the cluster running afterwards (default: cluster-config/down.sh)
  -h, --help      this text

The nodes run with the failed-authentication throttle relaxed (FreeAttempts 1000000): probing a revoked
token from one address is exactly what the throttle slows, and its delay would be measured instead of the
revocation. Results are also saved to tests/bench/.run/revocation-<timestamp>.txt.
USAGE
}

iterations=50
nodes=3
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations=${2:?--iterations needs a value}; shift 2 ;;
    --nodes) nodes=${2:?--nodes needs a value}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$iterations" =~ ^[0-9]+$ && "$iterations" -ge 1 ]] || { echo "--iterations must be a positive number" >&2; exit 2; }
[[ "$nodes" =~ ^[0-9]+$ && "$nodes" -ge 2 ]] || { echo "--nodes must be at least 2" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PROXYCLUSTER_Proxy__AuthFailureThrottle__FreeAttempts=1000000 "$repo/cluster-config/up.sh" --nodes "$nodes" --no-tls >&2
[ "$keep" -eq 1 ] || trap '"$repo/cluster-config/down.sh" --quiet' EXIT

dotnet build "$here/ProxyCluster.RevocationBench" -c Release -nologo -v quiet >&2
mkdir -p "$here/.run"
out=$here/.run/revocation-$(date -u +%Y%m%dT%H%M%SZ).txt
dotnet "$here/ProxyCluster.RevocationBench/bin/Release/net10.0/ProxyCluster.RevocationBench.dll" \
  "$repo/cluster-config/.run/cluster.env" "$iterations" | tee "$out"
echo "saved to $out" >&2
