#!/usr/bin/env bash
# Runs the whole ProxyCluster test suite against a real PostgreSQL, on a fresh Debian 12 that has only
# the .NET SDK: installs what is missing (PostgreSQL 15, libpg_query, pgbouncer), builds, tests.
# Idempotent; needs no standard input. Fixtures start their own throwaway PostgreSQL as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../cluster-config/lib/prereqs.sh
source cluster-config/lib/prereqs.sh
proxycluster_need_packages pgbouncer

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build ProxyCluster.sln -c Release -nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# One project at a time keeps the 2-core machine from running several PostgreSQL fixtures at once.
dotnet test ProxyCluster.sln -c Release --no-build -nologo -m:1 --blame-hang-timeout 5m 2>&1 | tee "$log" || status=$?

# One plain closing line over all test projects.
awk '/(Passed|Failed)! +- Failed: /{
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' "$log" || status=1
exit $status
