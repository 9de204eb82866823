# Installs what ProxyCluster's scripts need on Debian 12 when it is missing. Sourced, not run.
# Idempotent: every package is checked first, so a second run installs nothing and needs no network.

proxycluster_need_packages() {
  local missing=()
  [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client-15)
  command -v pgbench >/dev/null 2>&1 || missing+=(postgresql-contrib)
  ldconfig -p 2>/dev/null | grep -q 'libpg_query\.so' || missing+=(libpg-query-dev)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
  for extra in "$@"; do
    command -v "$extra" >/dev/null 2>&1 || missing+=("$extra")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: missing packages (${missing[*]}) and not root; install them and rerun" >&2
      return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The Debian package starts a cluster of its own on 5432; ours are throwaway clusters on free ports.
  command -v dotnet >/dev/null 2>&1 || { echo "error: the .NET SDK (dotnet) is required" >&2; return 1; }
}
