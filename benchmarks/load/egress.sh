#!/usr/bin/env bash
# The egress's cost per tool call, side by side on loopback, every peer in front of the same nginx "tool":
#   tool     nginx itself (the tool API, direct)
#   apikey   this proxy's egress, an apiKey tool (the key set from the environment)
#   oauth    this proxy's egress, an oauth2 tool with the user's grant in the token store (SQLite): the user's
#            cached access token injected (issue 14's target: >= 0.95x apikey's requests per CPU-second)
# Both egress peers carry the same X-End-User-Context, signed by the proxy for an authenticated request to its
# agent; nginx answers 401 unless the tool got the right key or the right user's access token, so a wrong
# injection shows as failed requests. Rounds alternate the peers; CPU per request is read from /proc.
#
# usage: benchmarks/load/egress.sh [--quick] [--rounds N] [--duration S] [--warmup S] [--connections N]
#                                  [--peers "tool apikey oauth"]
# Only loopback traffic; everything started here is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=3 duration=10 warmup=2 connections=32
peers=(tool apikey oauth)
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=1 duration=3 warmup=1; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --peers) read -r -a peers <<<"$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=lib.sh
source "$root/benchmarks/load/lib.sh"
load_setup

backend=18580 ingress=18590 egress=18591 admin=18592
java -cp "$jar" io.runagents.ingress.benchmarks.load.BenchCredentials "$work" >/dev/null
token="$(cat "$work/token.txt")"
api_key="bench-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
head -c 24 /dev/urandom | base64 | tr -d '=+/\n' >"$work/access-token.txt"
access_token="$(cat "$work/access-token.txt")"
token_key="k1:$(head -c 32 /dev/urandom | base64)"

mkdir -p "$work/conf/identity-providers" "$work/conf/agents" "$work/conf/tools"
nginx_conf <<EOF
    # The agent: answers the identity context it was given, which the egress peers then send.
    location = /context { default_type text/plain; return 200 "\$http_x_end_user_context"; }
    location /keyed/ {
      default_type text/plain;
      if (\$http_x_api_key != "$api_key") { return 401; }
      return 200 "ok\n";
    }
    location /drive/ {
      default_type text/plain;
      if (\$http_authorization != "Bearer $access_token") { return 401; }
      return 200 "ok\n";
    }
    location / { default_type text/plain; return 200 "ok\n"; }
EOF

cat >"$work/conf/proxy.yaml" <<EOF
listen: { ingress: "127.0.0.1:$ingress", egress: "127.0.0.1:$egress", admin: "127.0.0.1:$admin" }
dataDir: $work/proxy-data
audit: { file: $work/audit/audit.jsonl }
# One context for the whole run (the egress accepts it until its exp).
identityContext: { ttlSeconds: 3600 }
consent: { callbackUrl: "http://127.0.0.1:$ingress/oauth/callback" }
EOF
cat >"$work/conf/identity-providers/bench.yaml" <<EOF
name: bench-idp
spec:
  host: bench.example.test
  identityProvider:
    issuer: https://idp.bench.test
    jwksUri: http://127.0.0.1:$backend/jwks.json
    audiences: [bench.example.test]
  userIDClaim: email
EOF
cat >"$work/conf/agents/bench-agent.yaml" <<EOF
name: bench-agent
spec:
  pathPrefix: /agent
  upstream: http://127.0.0.1:$backend
  stripPrefix: true
  access: authenticated
  identityProvider: bench-idp
EOF
cat >"$work/conf/tools/keyed.yaml" <<EOF
name: keyed
spec:
  baseUrl: http://127.0.0.1:$backend/keyed
  auth:
    type: apiKey
    apiKey: { header: X-Api-Key, valueEnv: BENCH_API_KEY }
EOF
cat >"$work/conf/tools/drive.yaml" <<EOF
name: drive
spec:
  baseUrl: http://127.0.0.1:$backend/drive
  auth:
    type: oauth2
    authorizationUrl: http://127.0.0.1:$backend/authorize
    tokenUrl: http://127.0.0.1:$backend/token
    clientId: bench
    tokenEndpointAuth: none
    scopes: [files.read]
EOF

# alice's grant for drive, as a completed consent would have stored it, before the proxy opens the store.
RUNAGENTS_TOKEN_KEY="$token_key" java -cp "$jar" io.runagents.ingress.benchmarks.load.GrantSeeder \
  "$work/proxy-data" bench-idp alice@company.com drive "$work/access-token.txt" >/dev/null

"${server[@]}" nginx -p "$work" -c "$work/nginx.conf" & nginx_pid=$!; pids+=($!)
sleep 0.5 # the proxy fetches its JWKS from nginx at start
RUNAGENTS_JAVA_OPTS="${RUNAGENTS_JAVA_OPTS:-} -Xms512m -Xmx512m -XX:+AlwaysPreTouch" \
  RUNAGENTS_TOKEN_KEY="$token_key" BENCH_API_KEY="$api_key" \
  "${server[@]}" "$root/bin/runagents" serve --config "$work/conf" >"$work/proxy.log" 2>&1 & proxy_pid=$!
pids+=($proxy_pid)
wait_ready "$admin"

context="$(curl -s -H "Authorization: Bearer $token" -H "Host: bench.example.test" \
  "http://127.0.0.1:$ingress/agent/context")"
if [ -z "$context" ]; then
  echo "the agent got no X-End-User-Context; proxy log:" >&2; tail -20 "$work/proxy.log" >&2; exit 1
fi
ctx=(-H "X-End-User-Context: $context")
check tool 200 -H "X-Api-Key: $api_key" "http://127.0.0.1:$backend/keyed/hello"
check tool-wrong-key 401 -H "X-Api-Key: wrong" "http://127.0.0.1:$backend/keyed/hello"
check apikey 200 "${ctx[@]}" "http://127.0.0.1:$egress/tools/keyed/hello"
check oauth 200 "${ctx[@]}" "http://127.0.0.1:$egress/tools/drive/hello"
check oauth-no-context 401 "http://127.0.0.1:$egress/tools/drive/hello"

peer_args() { # name -> LoadGen target arguments
  case "$1" in
    tool) echo "--url http://127.0.0.1:$backend/keyed/hello" ;;
    apikey) echo "--url http://127.0.0.1:$egress/tools/keyed/hello" ;;
    oauth) echo "--url http://127.0.0.1:$egress/tools/drive/hello" ;;
  esac
}
peer_header() { # name -> the header every request of the peer carries
  case "$1" in
    tool) echo "X-Api-Key: $api_key" ;;
    *) echo "X-End-User-Context: $context" ;;
  esac
}
server_pid() {
  case "$1" in
    tool) pgrep -P "$nginx_pid" | head -1 ;;
    *) echo "$proxy_pid" ;;
  esac
}

echo "# $(date -u +%FT%TZ) $(nproc) cores; $pinning; $connections connections; ${duration}s per run after ${warmup}s warm-up"
echo "# nginx: $(nginx -v 2>&1)"
echo "# java: $(java -version 2>&1 | head -1)"
for peer in "${peers[@]}"; do # warm every peer (the JIT above all) before round 1
  duration=$((warmup * 3)) warmup=1 load "$peer" --header "$(peer_header "$peer")" >/dev/null
done
: >"$work/results.txt"
for round in $(seq 1 "$rounds"); do
  for peer in "${peers[@]}"; do
    echo -n "round $round: "
    load "$peer" --header "$(peer_header "$peer")"
  done
done
awk -f "$root/benchmarks/load/summarize.awk" "$work/results.txt"
loadgen_warnings
