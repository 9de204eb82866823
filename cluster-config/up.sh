#!/usr/bin/env bash
# Starts a local ProxyCluster: a throwaway PostgreSQL 15 with demo tables and the control store (or an
# existing PostgreSQL you name), proxy nodes in front of it (HAProxy before them when there are several),
# and demo tokens; prints the psql line to connect.
# Run `cluster-config/up.sh --help` for the options. Everything it starts is stopped by down.sh.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
run=$here/.run
# shellcheck source=lib/prereqs.sh
source "$here/lib/prereqs.sh"
# shellcheck source=lib/postgres.sh
source "$here/lib/postgres.sh"

usage() {
  cat <<EOF
Usage: cluster-config/up.sh [options]

Starts a throwaway PostgreSQL 15 (as the postgres user, on a free loopback port, data under /tmp) with a
database 'demo' (tables users, orders) owned by the role proxy_app and a database 'proxycluster' (the
control store: token journal and membership), then the ProxyCluster nodes. With one node it listens on
127.0.0.1:6432 itself; with --nodes N > 1, HAProxy (TCP mode) listens on 127.0.0.1:6432 and node i on
6432+i. Node i's admin API is on 127.0.0.1:7000+i, behind an admin token in .run/admin.token. Every
node's route '*' sends every database name to the same database upstream as proxy_app. Creates a demo
token for 'demo' (proxyctl token create) and prints the psql line to connect.
Writes cluster-config/.run/cluster.env for scripts to source. Running it again first stops the previous
run (down.sh). Installs PostgreSQL 15 and libpg_query with apt-get when missing. Needs no input.

Options:
  --port N                   client port (default 6432): the node's, or HAProxy's with several nodes, whose
                             node i then listens on N+i
  --admin-port N             admin HTTP port of the first node (default 7001); node i uses N+i-1
  --nodes N                  number of proxy nodes (default 1)
  --upstream HOST:PORT       front an existing PostgreSQL instead of starting a throwaway one; every
                             database name routes to the same database there. Needs the two below.
                             Nothing is created there; the demo token's route is --demo-db. There is no
                             control store then: nodes read tokens from .run/tokens.jsonl (proxyctl token mint).
  --upstream-user USER       the role the proxy logs in as upstream
  --upstream-password-file F file holding that role's password (read by the node, never by clients)
  --upstream-tls MODE        TLS to the --upstream server: verify-full (the node's default for a host that is
                             not loopback), require or disable (loopback only)
  --upstream-ca-file F       CA bundle (PEM) the --upstream server's certificate must chain to (verify-full);
                             without it the system's roots are trusted
  --demo-db NAME             database of the demo token (default demo; postgres with --upstream)
  --no-tls                   no TLS on either hop (no CA, listener and route without TLS): for comparing
                             raw relay cost with tests/bench, not for anything else
  --no-build                 do not build; use the Release binaries as they are
  -h, --help                 this text

TLS: a throwaway CA is generated with openssl into cluster-config/.run/tls/ (ca.crt is TLS_CA_FILE in
cluster.env); it signs the node's certificate (127.0.0.1, localhost) and, for the throwaway PostgreSQL, the
server's. The node's listener has TLS 'prefer' and its route uses TLS verify-full to the throwaway server.

Afterwards:
  source cluster-config/.run/cluster.env   # PROXY_HOST PROXY_PORT NODE_PORTS ADMIN_URLS DEMO_TOKEN DEMO_USER …
  \$PROXYCTL cluster show                  # proxyctl finds the nodes and the admin token through cluster.env
  \$PROXYCTL token revoke ID --reason …    # every node refuses the token and cuts its sessions
  cluster-config/down.sh                   # stop what this started
EOF
}

die() {
  echo "up.sh: error: $*" >&2
  exit 1
}

proxy_port=6432
admin_port=7001
nodes=1
upstream=""
upstream_user=""
upstream_password_file=""
upstream_tls=""
upstream_ca_file=""
tls=1
demo_db=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) proxy_port=${2:?--port needs a value}; shift 2 ;;
    --admin-port) admin_port=${2:?--admin-port needs a value}; shift 2 ;;
    --nodes) nodes=${2:?--nodes needs a value}; shift 2 ;;
    --upstream) upstream=${2:?--upstream needs HOST:PORT}; shift 2 ;;
    --upstream-user) upstream_user=${2:?--upstream-user needs a value}; shift 2 ;;
    --upstream-password-file) upstream_password_file=${2:?--upstream-password-file needs a value}; shift 2 ;;
    --upstream-tls) upstream_tls=${2:?--upstream-tls needs verify-full, require or disable}; shift 2 ;;
    --upstream-ca-file) upstream_ca_file=${2:?--upstream-ca-file needs a value}; shift 2 ;;
    --demo-db) demo_db=${2:?--demo-db needs a value}; shift 2 ;;
    --no-tls) tls=0; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
for n in "$proxy_port" "$admin_port" "$nodes"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "not a number: $n"
done
[ "$nodes" -ge 1 ] || die "--nodes must be at least 1"

if [ -n "$upstream" ]; then
  [[ "$upstream" =~ ^(.+):([0-9]+)$ ]] || die "--upstream must be HOST:PORT, got '$upstream'"
  upstream_host=${BASH_REMATCH[1]}
  upstream_port=${BASH_REMATCH[2]}
  [ -n "$upstream_user" ] || die "--upstream needs --upstream-user"
  [ -n "$upstream_password_file" ] || die "--upstream needs --upstream-password-file"
  [ -r "$upstream_password_file" ] || die "cannot read $upstream_password_file"
  upstream_password_file=$(cd "$(dirname "$upstream_password_file")" && pwd)/$(basename "$upstream_password_file")
  demo_db=${demo_db:-postgres}
  case "$upstream_tls" in
    "" | verify-full | require | disable) ;;
    *) die "--upstream-tls must be verify-full, require or disable, got '$upstream_tls'" ;;
  esac
  if [ -n "$upstream_ca_file" ]; then
    [ -r "$upstream_ca_file" ] || die "cannot read $upstream_ca_file"
    upstream_ca_file=$(cd "$(dirname "$upstream_ca_file")" && pwd)/$(basename "$upstream_ca_file")
  fi
elif [ -n "$upstream_user$upstream_password_file$upstream_tls$upstream_ca_file" ]; then
  die "--upstream-user, --upstream-password-file, --upstream-tls and --upstream-ca-file only make sense with --upstream"
fi
demo_db=${demo_db:-demo}

if [ "$nodes" -gt 1 ]; then
  proxycluster_need_packages haproxy
else
  # shellcheck disable=SC2119 # no extra commands needed
  proxycluster_need_packages
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
node_dll=$repo/src/ProxyCluster.Node/bin/Release/net10.0/proxycluster-node.dll
cli_dll=$repo/src/ProxyCluster.Cli/bin/Release/net10.0/proxyctl.dll
proxyctl="dotnet $cli_dll"

# Where node i listens: on --port itself when it is alone, behind HAProxy on --port+i when there are several.
node_port() { if [ "$nodes" -eq 1 ]; then echo "$proxy_port"; else echo $((proxy_port + $1)); fi; }
node_admin_port() { echo $((admin_port + $1 - 1)); }

# --- a clean slate -------------------------------------------------------------------------------------
"$here/down.sh" --quiet
mkdir -p "$run"
chmod 700 "$run"
rm -f "$run"/cluster.env "$run"/tokens.jsonl "$run"/upstream.password "$run"/superuser.password \
  "$run"/control.password "$run"/admin.token "$run"/haproxy.* "$run"/audit-node-*.jsonl \
  "$run"/node-*.json "$run"/node-*.pid "$run"/node-*.log "$run"/build.log

ports_to_check=()
[ "$nodes" -eq 1 ] || ports_to_check+=("$proxy_port")
for i in $(seq 1 "$nodes"); do
  ports_to_check+=("$(node_port "$i")" "$(node_admin_port "$i")")
done
for p in "${ports_to_check[@]}"; do
  if proxycluster_port_in_use "$p"; then
    holder=$(ss -Hltnp "sport = :$p" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1)
    die "127.0.0.1:$p is already in use${holder:+ (by $holder)}; stop that or pick other ports with --port / --admin-port"
  fi
done

# The admin token: proxyctl and the nodes (asking each other) present it; never printed.
(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$run/admin.token")

# --- a throwaway CA and certificates -------------------------------------------------------------------
# Fresh every run, never committed: the CA (its key stays in .run/tls), the node's certificate and, for the
# throwaway PostgreSQL, the server's. ECDSA P-256, SANs 127.0.0.1 and localhost, valid for 30 days.
tls_dir=$run/tls
rm -rf "$tls_dir"
tls_ca_file=""
if [ "$tls" -eq 1 ]; then
  (umask 077 && mkdir -p "$tls_dir")
  tls_ca_file=$tls_dir/ca.crt
  if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=ProxyCluster demo CA $(date -u +%FT%TZ)" -keyout "$tls_dir/ca.key" -out "$tls_ca_file" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    >"$tls_dir/openssl.log" 2>&1; then
    die "openssl could not create the demo CA (log: $tls_dir/openssl.log)"
  fi
fi
# issue_cert NAME CN: NAME.crt and NAME.key (0600) in $tls_dir, signed by the demo CA.
issue_cert() {
  local name=$1 cn=$2
  if ! openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$cn" \
    -keyout "$tls_dir/$name.key" -out "$tls_dir/$name.csr" >>"$tls_dir/openssl.log" 2>&1; then
    die "openssl could not create the $name key (log: $tls_dir/openssl.log)"
  fi
  if ! openssl x509 -req -in "$tls_dir/$name.csr" -CA "$tls_ca_file" -CAkey "$tls_dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 30 -out "$tls_dir/$name.crt" \
    -extfile <(printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=critical,CA:FALSE' \
      'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth') >>"$tls_dir/openssl.log" 2>&1; then
    die "openssl could not issue the $name certificate (log: $tls_dir/openssl.log)"
  fi
  rm -f "$tls_dir/$name.csr"
  chmod 600 "$tls_dir/$name.key"
}
if [ "$tls" -eq 1 ]; then
  issue_cert node "ProxyCluster demo node"
  chmod 644 "$tls_ca_file" "$tls_dir/node.crt"
fi

# --- build ---------------------------------------------------------------------------------------------
# Rebuild when a binary is missing or any source, project or props file is newer than it.
stale() {
  local dll=$1
  [ -f "$dll" ] || return 0
  [ -n "$(find "$repo/src" "$repo"/Directory.*.props -newer "$dll" \
    \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
    -not -path '*/bin/*' -not -path '*/obj/*' -print -quit 2>/dev/null)" ]
}
build_error=""
if [ "$build" -eq 1 ] && { stale "$node_dll" || stale "$cli_dll"; }; then
  echo "building the node and proxyctl (Release)…" >&2
  for project in ProxyCluster.Node ProxyCluster.Cli; do
    if ! dotnet build "$repo/src/$project" -c Release -nologo -v quiet >>"$run/build.log" 2>&1; then
      build_error="dotnet build src/$project failed (log: $run/build.log)"
      echo "up.sh: warning: $build_error; last lines:" >&2
      grep -E 'error|Error' "$run/build.log" | sort -u | tail -n 15 >&2 || tail -n 15 "$run/build.log" >&2
    fi
  done
fi

# --- upstream PostgreSQL -------------------------------------------------------------------------------
pg_base=""
if [ -z "$upstream" ]; then
  mode=throwaway
  pg_base=$(proxycluster_pg_create)
  echo "$pg_base" >"$run/upstream.base" # down.sh stops and removes it from this
  upstream_host=127.0.0.1
  upstream_port=$(proxycluster_free_port)
  echo "starting a throwaway PostgreSQL on $upstream_host:$upstream_port (data in $pg_base)…" >&2
  proxycluster_pg_init "$pg_base" "$upstream_port"
  if [ "$tls" -eq 1 ]; then
    # TLS on the second hop too: a server certificate from the demo CA, readable by the server user only.
    issue_cert postgres "ProxyCluster demo PostgreSQL"
    cp "$tls_dir/postgres.crt" "$pg_base/data/server.crt"
    (umask 077 && cp "$tls_dir/postgres.key" "$pg_base/data/server.key")
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pg_base/data/server.crt" "$pg_base/data/server.key"
    cat >>"$pg_base/data/postgresql.conf" <<PGCONF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.2'
PGCONF
    upstream_tls=verify-full
    upstream_ca_file=$tls_ca_file
  fi
  proxycluster_pg_start "$pg_base"
  (umask 077 && cp "$pg_base/superuser.password" "$run/superuser.password")

  upstream_user=proxy_app
  upstream_password_file=$run/upstream.password
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$upstream_password_file")
  password=$(cat "$upstream_password_file")
  # The password travels on stdin, never in a command line; it is hex, so it needs no quoting.
  proxycluster_pg_psql "$pg_base" -d postgres <<SQL
CREATE ROLE proxy_app LOGIN PASSWORD '$password';
CREATE DATABASE demo OWNER proxy_app;
\connect demo
SET ROLE proxy_app;
CREATE TABLE users (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name  text NOT NULL,
  email text NOT NULL UNIQUE
);
CREATE TABLE orders (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  amount     numeric(10, 2) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO users (name, email) VALUES
  ('Ada Lovelace', 'ada@example.com'),
  ('Alan Turing', 'alan@example.com'),
  ('Grace Hopper', 'grace@example.com'),
  ('Edsger Dijkstra', 'edsger@example.com');
INSERT INTO orders (user_id, amount, created_at) VALUES
  (1, 12.50, now() - interval '3 days'),
  (1, 99.00, now() - interval '1 day'),
  (2, 5.25, now() - interval '2 hours'),
  (3, 42.00, now() - interval '30 minutes'),
  (4, 7.10, now());
SQL
  # The control store: its own database and role on the same server (a real deployment may use any PostgreSQL).
  control_password_file=$run/control.password
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$control_password_file")
  password=$(cat "$control_password_file")
  proxycluster_pg_psql "$pg_base" -d postgres <<SQL
CREATE ROLE proxycluster_control LOGIN PASSWORD '$password';
CREATE DATABASE proxycluster OWNER proxycluster_control;
SQL
  unset password
  upstream_admin_user=postgres
  upstream_admin_password_file=$run/superuser.password
  upstream_pid_file=$pg_base/data/postmaster.pid
else
  mode=external
  "$PROXYCLUSTER_PG_BIN/pg_isready" -q -h "$upstream_host" -p "$upstream_port" -t 5 \
    || die "PostgreSQL at $upstream_host:$upstream_port does not accept connections"
  upstream_admin_user=$upstream_user
  upstream_admin_password_file=$upstream_password_file
  upstream_pid_file=""
  control_password_file=""
fi

# --- cluster.env ---------------------------------------------------------------------------------------
node_ports=""
admin_urls=""
node_pid_files=""
audit_files=""
metrics_urls=""
for i in $(seq 1 "$nodes"); do
  audit_files+="${audit_files:+ }$run/audit-node-$i.jsonl"
  metrics_urls+="${metrics_urls:+ }http://127.0.0.1:$(node_admin_port "$i")/metrics"
  node_ports+="${node_ports:+ }$(node_port "$i")"
  admin_urls+="${admin_urls:+ }http://127.0.0.1:$(node_admin_port "$i")"
  node_pid_files+="${node_pid_files:+ }$run/node-$i.pid"
done
haproxy_pid_file=""
[ "$nodes" -eq 1 ] || haproxy_pid_file=$run/haproxy.pid
if [ -n "$control_password_file" ]; then
  control_store_description="postgresql://proxycluster_control@$upstream_host:$upstream_port/proxycluster (schema proxycluster)"
  token_file=""
else
  control_store_description=""
  token_file=$run/tokens.jsonl
fi
demo_token=""
demo_user=""
demo_token_id=""
demo_reader_token=""
demo_reader_user=""

quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
write_env() {
  local tmp=$run/cluster.env.tmp
  (
    umask 077
    {
      echo "# Written by cluster-config/up.sh at $(date -u +%FT%TZ); removed by down.sh. Source it from bash."
      echo "# Lists are space-separated. PROXYCTL is a command line: run it unquoted, e.g. \$PROXYCTL token mint …"
      for kv in \
        "PROXY_HOST=127.0.0.1" \
        "PROXY_PORT=$proxy_port" \
        "NODE_COUNT=$nodes" \
        "NODE_PORTS=$node_ports" \
        "ADMIN_URLS=$admin_urls" \
        "ADMIN_TOKEN_FILE=$run/admin.token" \
        "AUDIT_FILE=$audit_files" \
        "METRICS_URLS=$metrics_urls" \
        "CONTROL_STORE=$control_store_description" \
        "HAPROXY_PID_FILE=$haproxy_pid_file" \
        "NODE_PID_FILES=$node_pid_files" \
        "NODE_DLL=$node_dll" \
        "PROXYCTL=$proxyctl" \
        "TOKEN_FILE=$token_file" \
        "UPSTREAM_MODE=$mode" \
        "UPSTREAM_HOST=$upstream_host" \
        "UPSTREAM_PORT=$upstream_port" \
        "UPSTREAM_USER=$upstream_user" \
        "UPSTREAM_PASSWORD_FILE=$upstream_password_file" \
        "UPSTREAM_ADMIN_USER=$upstream_admin_user" \
        "UPSTREAM_ADMIN_PASSWORD_FILE=$upstream_admin_password_file" \
        "UPSTREAM_PID_FILE=$upstream_pid_file" \
        "UPSTREAM_BASE_DIR=$pg_base" \
        "PG_BIN=$PROXYCLUSTER_PG_BIN" \
        "DEMO_DB=$demo_db" \
        "DEMO_USER=$demo_user" \
        "DEMO_TOKEN=$demo_token" \
        "DEMO_TOKEN_ID=$demo_token_id" \
        "TLS_CA_FILE=$tls_ca_file" \
        "DEMO_READER_TOKEN=$demo_reader_token" \
        "DEMO_READER_USER=$demo_reader_user" \
        "RUN_DIR=$run"; do
        echo "${kv%%=*}=$(quote "${kv#*=}")"
      done
    } >"$tmp"
  )
  mv "$tmp" "$run/cluster.env"
}
write_env

# --- proxy nodes ---------------------------------------------------------------------------------------
json_string() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# The route's TLS keys, when up.sh chose them (else the node's defaults apply).
route_tls_json() {
  [ -z "$upstream_tls" ] || printf ',\n        "Tls": %s' "$(json_string "$upstream_tls")"
  [ -z "$upstream_ca_file" ] || printf ',\n        "TlsCaFile": %s' "$(json_string "$upstream_ca_file")"
}

# The node's certificate files, unless --no-tls.
server_tls_json() {
  [ "$tls" -eq 1 ] || return 0
  printf '\n    "Tls": {\n      "CertificateFile": %s,\n      "KeyFile": %s\n    },' \
    "$(json_string "$tls_dir/node.crt")" "$(json_string "$tls_dir/node.key")"
}
# Where tokens come from: the control store on the throwaway server, else (--upstream) the token file.
token_source_json() {
  if [ -z "$control_password_file" ]; then
    printf '\n    "TokenFile": %s,' "$(json_string "$token_file")"
    return
  fi
  printf '\n    "ControlStore": {\n      "Host": %s,\n      "Port": %s,\n      "Database": "proxycluster",\n      "User": "proxycluster_control",\n      "PasswordFile": %s' \
    "$(json_string "$upstream_host")" "$upstream_port" "$(json_string "$control_password_file")"
  [ -z "$upstream_tls" ] || printf ',\n      "Tls": %s' "$(json_string "$upstream_tls")"
  [ -z "$upstream_ca_file" ] || printf ',\n      "TlsCaFile": %s' "$(json_string "$upstream_ca_file")"
  printf '\n    },'
}
listener_tls=prefer
[ "$tls" -eq 1 ] || listener_tls=disable

write_node_config() {
  local i=$1
  cat >"$run/node-$i.json" <<EOF
{
  "Proxy": {
    "NodeId": "node-$i",
    "NodeOrdinal": $i,
    "Listeners": [
      { "Address": "127.0.0.1", "Port": $(node_port "$i"), "Tls": $(json_string "$listener_tls"), "InsecureCleartextForLocalDevelopment": true }
    ],$(server_tls_json)
    "Admin": { "Address": "127.0.0.1", "Port": $(node_admin_port "$i"), "TokenFile": $(json_string "$run/admin.token") },$(token_source_json)
    "PolicyDirectory": $(json_string "$here/policies"),
    "Audit": { "File": $(json_string "$run/audit-node-$i.jsonl") },
    "Routes": [
      {
        "Name": "*",
        "Host": $(json_string "$upstream_host"),
        "Port": $upstream_port,
        "Database": null,
        "User": $(json_string "$upstream_user"),
        "PasswordFile": $(json_string "$upstream_password_file")$(route_tls_json)
      }
    ]
  }
}
EOF
}

# GET URL answers 200 (curl when present, else bash's /dev/tcp).
http_ok() {
  local url=$1
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 2 -o /dev/null "$url" 2>/dev/null
    return
  fi
  [[ "$url" =~ ^http://([^/:]+):([0-9]+)(/.*)?$ ]] || return 1
  # shellcheck disable=SC2016 # the inner script expands its own positional parameters
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$3" "$1" >&3
    read -r status <&3
    [[ "$status" == HTTP/1.?" 200"* ]]' _ "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]:-/}" 2>/dev/null
}

node_failed() {
  local i=$1 why=$2
  echo "up.sh: error: node-$i $why" >&2
  if [ -s "$run/node-$i.log" ]; then
    echo "last lines of $run/node-$i.log:" >&2
    tail -n 25 "$run/node-$i.log" >&2
  fi
  [ "$mode" = external ] || echo "The throwaway PostgreSQL keeps running ($upstream_host:$upstream_port, see $run/cluster.env)." >&2
  echo "cluster-config/down.sh stops everything up.sh started." >&2
  exit 1
}

start_node() {
  local i=$1 pid t
  [ -f "$node_dll" ] || node_failed "$i" "cannot start: $node_dll is missing${build_error:+ ($build_error)}. Build it with: dotnet build src/ProxyCluster.Node -c Release"
  write_node_config "$i"
  nohup dotnet "$node_dll" --config "$run/node-$i.json" </dev/null >"$run/node-$i.log" 2>&1 &
  pid=$!
  echo "$pid" >"$run/node-$i.pid"
  for t in $(seq 1 300); do
    proxycluster_pid_alive "$pid" || node_failed "$i" "exited during startup (PID $pid)"
    if http_ok "http://127.0.0.1:$(node_admin_port "$i")/ready"; then
      echo "node-$i ready on 127.0.0.1:$(node_port "$i") (admin :$(node_admin_port "$i"), PID $pid)" >&2
      return 0
    fi
    sleep 0.1
  done
  node_failed "$i" "not ready after 30 s ($t probes of http://127.0.0.1:$(node_admin_port "$i")/ready)"
}

if [ -n "$token_file" ]; then
  : >"$token_file"
  chmod 600 "$token_file"
fi
for i in $(seq 1 "$nodes"); do
  start_node "$i"
done

# --- HAProxy in front of several nodes -----------------------------------------------------------------
# Plain TCP: TLS and the Postgres protocol pass through untouched, so clients verify the nodes' certificate.
# A node that is not ready (/ready on its admin port) gets no new connections.
if [ "$nodes" -gt 1 ]; then
  {
    printf '%s\n' global '  daemon' "  pidfile $run/haproxy.pid" '  maxconn 4096' \
      defaults '  mode tcp' '  timeout connect 5s' '  timeout client 1h' '  timeout server 1h' '  timeout check 2s' \
      'frontend postgres' "  bind 127.0.0.1:$proxy_port" '  default_backend nodes' \
      'backend nodes' '  balance roundrobin' '  option httpchk' '  http-check send meth GET uri /ready'
    for i in $(seq 1 "$nodes"); do
      echo "  server node-$i 127.0.0.1:$(node_port "$i") check port $(node_admin_port "$i") inter 1s fall 2 rise 1"
    done
  } >"$run/haproxy.cfg"
  haproxy -c -q -f "$run/haproxy.cfg" >"$run/haproxy.log" 2>&1 || die "haproxy refuses $run/haproxy.cfg: $(cat "$run/haproxy.log")"
  haproxy -f "$run/haproxy.cfg" >>"$run/haproxy.log" 2>&1 || die "haproxy did not start: $(cat "$run/haproxy.log")"
  echo "HAProxy on 127.0.0.1:$proxy_port in front of $nodes nodes (PID $(cat "$run/haproxy.pid"))" >&2
fi

# --- demo token ----------------------------------------------------------------------------------------
# One field of a one-line JSON object (string values only; enough for proxyctl's output).
json_field() {
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" <<<"$2" | head -n 1
}

[ -f "$cli_dll" ] || die "cannot create the demo token: $cli_dll is missing${build_error:+ ($build_error)}"
# create_token ARGS…: through a node's admin API (control store), else minted into the token file.
create_token() {
  if [ -n "$token_file" ]; then
    $proxyctl token mint --json --append-to "$token_file" "$@"
  else
    $proxyctl --node "127.0.0.1:$(node_admin_port 1)" --admin-token-file "$run/admin.token" token create --json --actor up.sh "$@"
  fi
}
minted=$(create_token --principal demo --route "$demo_db") || die "proxyctl could not create the demo token"
demo_token=$(json_field token "$minted")
demo_user=$(json_field user "$minted")
demo_token_id=$(json_field id "$minted")
if [ -z "$demo_token" ] || [ -z "$demo_user" ]; then
  die "unexpected output of proxyctl token mint: $minted"
fi
# A second token under the policy cluster-config/policies/demo-reader.yaml: SELECT on the demo tables only.
minted=$(create_token --principal demo-reader --route "$demo_db" --policy demo-reader) \
  || die "proxyctl could not create the demo-reader token"
demo_reader_token=$(json_field token "$minted")
demo_reader_user=$(json_field user "$minted")
write_env

# Prove the printed line works (a token file is picked up within a second; the journal within milliseconds).
tls_options=""
[ "$tls" -eq 0 ] || tls_options=" sslmode=verify-full sslrootcert=$tls_ca_file"
psql_line="PGPASSWORD='$demo_token' psql \"host=127.0.0.1 port=$proxy_port dbname=$demo_db user=$demo_user$tls_options\""
probe_sql='select 1'
[ "$mode" = throwaway ] && probe_sql='select count(*) from users'
for t in $(seq 1 30); do
  if out=$(PGPASSWORD=$demo_token PGCONNECT_TIMEOUT=5 "$PROXYCLUSTER_PG_BIN/psql" -X -Atq \
    "host=127.0.0.1 port=$proxy_port dbname=$demo_db user=$demo_user$tls_options" -c "$probe_sql" 2>&1); then
    break
  fi
  [ "$t" -lt 30 ] || node_failed 1 "does not accept the demo token after 15 s: $out"
  sleep 0.5
done

cat <<EOF

ProxyCluster is up: $nodes node(s) on 127.0.0.1:${node_ports// /,}${haproxy_pid_file:+ behind HAProxy on 127.0.0.1:$proxy_port}, in front of PostgreSQL $upstream_host:$upstream_port ($mode).
Connect with the demo token (route '$demo_db', policy unrestricted):

  $psql_line

or with the reader token (policy demo-reader: SELECT on users and orders only):

  PGPASSWORD='$demo_reader_token' psql "host=127.0.0.1 port=$proxy_port dbname=$demo_db user=$demo_reader_user$tls_options"

Operate: source $run/cluster.env, then \$PROXYCTL cluster show | token list | token revoke ID --reason … | session list
Stop: cluster-config/down.sh
EOF
