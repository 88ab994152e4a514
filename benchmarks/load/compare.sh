#!/usr/bin/env bash
# Side-by-side load comparison on loopback, all peers in front of the same nginx backend:
#   direct        nginx itself (returns 200 "ok")
#   haproxy       HAProxy, plain proxying
#   haproxy-jwt   HAProxy with an RS256 jwt_verify rule (plus iss/aud/exp checks) on every request
#   open          this proxy, open route
#   auth          this proxy, authenticated route with a valid RS256 token (X-End-User-ID + signed context)
#   open-token    (only when named in --peers) the open route with the same token sent: the longer head in and out
#                 without any identity work, to tell the cost of the bytes from the cost of the checks
# Closed-loop rounds alternate the peers (A B C D E, A B C D E, ...) so machine drift hits all alike; then an
# open-loop run at 50% of the authenticated route's max throughput shows the latency the proxy adds.
#
# usage: benchmarks/load/compare.sh [--quick] [--rounds N] [--duration S] [--warmup S] [--connections N]
#                                   [--peers "direct haproxy haproxy-jwt open auth"] [--jfr FILE] [--out PREFIX]
#                                   [--baseline-jar JAR] [--proxy-opts "JVM OPTIONS"] [--syscalls]
# --jfr records the proxy with Java Flight Recorder (profile settings, CPU samples every 1 ms) into FILE, written when
#   it stops.
# --syscalls counts each server's system calls per request with strace -c -f over a short run (slow under
#   strace, so only the counts are used), then exits without the throughput rounds.
# --baseline-jar runs a second proxy from JAR (e.g. the previous commit's runagents.jar) on the same conf and adds
#   the peers open-base and auth-base, so a change is measured against its baseline in one run.
# --proxy-opts adds JVM options to this build's proxy only (not to the baseline's): with --baseline-jar set to the
#   same build, it measures a JVM or Netty setting against the defaults in one run.
# Only loopback traffic; everything started here is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=3 duration=10 warmup=2 connections=32 out="" jfr="" baseline_jar="" syscalls="" proxy_opts=""
peers=(direct haproxy haproxy-jwt open auth)
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=1 duration=3 warmup=1; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --peers) read -r -a peers <<<"$2"; shift 2 ;;
    --jfr) jfr="$(realpath -m "$2")"; shift 2 ;;
    --baseline-jar) baseline_jar="$(realpath "$2")"; shift 2 ;;
    --proxy-opts) proxy_opts="$2"; shift 2 ;;
    --syscalls) syscalls=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=lib.sh
source "$root/benchmarks/load/lib.sh"
load_setup

backend=18480 hap_plain=18481 hap_jwt=18482 ingress=18490 base_ingress=18495
[ -n "$baseline_jar" ] && peers+=(open-base auth-base)
java -cp "$jar" io.runagents.ingress.benchmarks.load.BenchCredentials "$work" >/dev/null
token="$(cat "$work/token.txt")"

mkdir -p "$work/conf/identity-providers" "$work/conf/agents"
nginx_conf <<EOF
    location / { default_type text/plain; return 200 "ok\n"; }
EOF

cat >"$work/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 300s
  timeout server 300s
  option http-keep-alive
  http-reuse always
frontend plain
  bind 127.0.0.1:$hap_plain
  default_backend agent
frontend jwt
  bind 127.0.0.1:$hap_jwt
  # The documented jwt_verify recipe, plus the claim checks this proxy also makes (iss, aud, exp) and the
  # user id forwarded, so both sides do comparable work.
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.jwt_alg) var(txn.bearer),jwt_header_query('\$.alg')
  http-request deny unless { var(txn.jwt_alg) -m str RS256 }
  http-request deny unless { var(txn.bearer),jwt_verify(txn.jwt_alg,"$work/pubkey.pem") -m int 1 }
  http-request deny unless { var(txn.bearer),jwt_payload_query('\$.iss') -m str https://idp.bench.test }
  http-request deny unless { var(txn.bearer),jwt_payload_query('\$.aud') -m str bench.example.test }
  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('\$.exp','int')
  http-request set-var(txn.now) date()
  http-request deny if { var(txn.exp),sub(txn.now) -m int lt 0 }
  http-request set-header X-End-User-ID %[var(txn.bearer),jwt_payload_query('\$.email')]
  http-request del-header Authorization
  default_backend agent
backend agent
  server nginx 127.0.0.1:$backend
EOF

cat >"$work/conf/proxy.yaml" <<EOF
listen: { ingress: "127.0.0.1:$ingress", egress: "127.0.0.1:18491", admin: "127.0.0.1:18492" }
dataDir: $work/proxy-data
# Every request has its audit line (a few hundred MB per run): in the temp dir, removed on exit, not ./logs.
audit: { file: $work/audit/audit.jsonl }
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
cat >"$work/conf/agents/open.yaml" <<EOF
name: open-agent
spec:
  pathPrefix: /open
  upstream: http://127.0.0.1:$backend
  stripPrefix: true
  access: open
EOF
cat >"$work/conf/agents/auth.yaml" <<EOF
name: auth-agent
spec:
  pathPrefix: /auth
  upstream: http://127.0.0.1:$backend
  stripPrefix: true
  access: authenticated
  identityProvider: bench-idp
EOF

"${server[@]}" nginx -p "$work" -c "$work/nginx.conf" & nginx_pid=$!; pids+=($!)
haproxy -c -q -f "$work/haproxy.cfg"
"${server[@]}" haproxy -db -f "$work/haproxy.cfg" & haproxy_pid=$!; pids+=($!)
sleep 0.5 # the proxy fetches its JWKS from nginx at start
java_opts="${RUNAGENTS_JAVA_OPTS:-} -Xms512m -Xmx512m -XX:+AlwaysPreTouch"
[ -n "$jfr" ] && java_opts="$java_opts -XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,dumponexit=true,filename=$jfr"
RUNAGENTS_JAVA_OPTS="$java_opts $proxy_opts" \
  "${server[@]}" "$root/bin/runagents" serve --config "$work/conf" >"$work/proxy.log" 2>&1 & proxy_pid=$!; pids+=($!)
base_pid=""
if [ -n "$baseline_jar" ]; then
  cp -r "$work/conf" "$work/base-conf"
  cat >"$work/base-conf/proxy.yaml" <<EOF
listen: { ingress: "127.0.0.1:$base_ingress", egress: "127.0.0.1:18496", admin: "127.0.0.1:18497" }
dataDir: $work/base-data
audit: { file: $work/base-audit/audit.jsonl }
EOF
  # shellcheck disable=SC2086
  "${server[@]}" java $java_opts -jar "$baseline_jar" serve --config "$work/base-conf" >"$work/base.log" 2>&1 &
  base_pid=$!; pids+=($!)
fi
wait_ready 18492 ${base_pid:+18497}

auth=(-H "Authorization: Bearer $token")
check direct 200 "http://127.0.0.1:$backend/hello"
check haproxy 200 "http://127.0.0.1:$hap_plain/hello"
check haproxy-jwt 200 "${auth[@]}" "http://127.0.0.1:$hap_jwt/hello"
check haproxy-jwt-no-token 403 "http://127.0.0.1:$hap_jwt/hello"
check open 200 -H "Host: bench.example.test" "http://127.0.0.1:$ingress/open/hello"
check auth 200 "${auth[@]}" -H "Host: bench.example.test" "http://127.0.0.1:$ingress/auth/hello"
check auth-no-token 401 -H "Host: bench.example.test" "http://127.0.0.1:$ingress/auth/hello"

peer_args() { # name -> LoadGen target arguments
  case "$1" in
    direct) echo "--url http://127.0.0.1:$backend/hello" ;;
    haproxy) echo "--url http://127.0.0.1:$hap_plain/hello" ;;
    haproxy-jwt) echo "--url http://127.0.0.1:$hap_jwt/hello --token-file $work/token.txt" ;;
    open) echo "--url http://127.0.0.1:$ingress/open/hello --host bench.example.test" ;;
    open-token) echo "--url http://127.0.0.1:$ingress/open/hello --host bench.example.test --token-file $work/token.txt" ;;
    auth) echo "--url http://127.0.0.1:$ingress/auth/hello --host bench.example.test --token-file $work/token.txt" ;;
    open-base) echo "--url http://127.0.0.1:$base_ingress/open/hello --host bench.example.test" ;;
    auth-base) echo "--url http://127.0.0.1:$base_ingress/auth/hello --host bench.example.test --token-file $work/token.txt" ;;
  esac
}
server_admin() { # the proxies' admin ports, where load() reads their GC pauses
  case "$1" in
    open|open-token|auth) echo 18492 ;;
    open-base|auth-base) echo 18497 ;;
  esac
}
# nginx's worker serves direct.
server_pid() {
  case "$1" in
    direct) pgrep -P "$nginx_pid" | head -1 ;;
    haproxy|haproxy-jwt) echo "$haproxy_pid" ;;
    open|open-token|auth) echo "$proxy_pid" ;;
    open-base|auth-base) echo "$base_pid" ;;
  esac
}

echo "# $(date -u +%FT%TZ) $(nproc) cores; $pinning; $connections connections; ${duration}s per run after ${warmup}s warm-up"
echo "# haproxy: $(haproxy -v | head -1)"
echo "# nginx: $(nginx -v 2>&1)"
echo "# java: $(java -version 2>&1 | head -1)"
if [ -n "$syscalls" ]; then
  command -v strace >/dev/null || { apt-get install -y -qq strace >/dev/null; }
  echo "# system calls per request (strace -c -f on the serving process, 5 s of load after warm-up)"
  for peer in "${peers[@]}"; do
    duration=4 warmup=1 load "$peer" >/dev/null # warm
    pid="$(server_pid "$peer")"
    strace -c -f -q -p "$pid" -o "$work/strace-$peer.txt" & strace_pid=$!
    sleep 0.5
    line="$(duration=5 warmup=0 load "$peer")"
    kill -INT "$strace_pid"; wait "$strace_pid" 2>/dev/null || true
    requests="$(echo "$line" | tr ' ' '\n' | awk -F= '$1 == "requests" { print $2 }')"
    # strace -c columns: % time, seconds, usecs/call, calls, [errors], syscall
    calls="$(awk '$NF == "total" { print $4 }' "$work/strace-$peer.txt")"
    awk -v p="$peer" -v c="$calls" -v r="$requests" 'BEGIN { printf "%-12s %8d requests %9d calls %6.2f per request\n", p, r, c, (r > 0 ? c / r : 0) }'
    grep -E '^ *[0-9.]+ ' "$work/strace-$peer.txt" | grep -v ' total$' | sort -k4 -n -r | head -6 \
      | awk -v r="$requests" '{ printf "    %-16s %6.2f per request\n", $NF, (r > 0 ? $4 / r : 0) }'
  done
  exit 0
fi

# One unrecorded pass first, so that every peer is warm before round 1. A JVM peer gets at least 15 s: after 6 s its
# JIT compiler threads still took 417-756 ms of the server core during round 1's 12 s (session 11), about 2 µs
# per request charged to the proxy, and HAProxy has no such start-up cost.
for peer in "${peers[@]}"; do
  warm=$((warmup * 3)); [ -n "$(admin_of "$peer")" ] && [ "$warm" -lt 15 ] && warm=15
  duration="$warm" warmup=1 load "$peer" >/dev/null
done
: >"$work/results.txt"
for round in $(seq 1 "$rounds"); do
  for peer in "${peers[@]}"; do
    echo -n "round $round: "
    load "$peer"
  done
done

summary="$(awk -f "$root/benchmarks/load/summarize.awk" "$work/results.txt")"
echo "$summary"

# Open loop at half of the authenticated route's max throughput: the latency each hop adds when not saturated.
auth_rps="$(echo "$summary" | awk '$1 == "auth" { print $2 }')"
[ -z "$auth_rps" ] && exit 0
rate="$(awk -v r="$auth_rps" 'BEGIN { printf "%d", r / 2 }')"
echo "# open loop at $rate req/s (50% of the authenticated route's max), latency from intended send time"
: >"$work/open.txt"
# Its warm-up is at least 6 s. With 2 s, every proxy, HAProxy included, showed a p99 of 80-550 ms, and more answers
# than the rate (a backlog from the start draining in the measured window), while the server core was half idle
# and a 1 ms sleep there never woke more than 11 ms late; the load generator's own core was 75-85% busy (its JVM
# starting, then a timer per request). With 6 s the same peers' p99 was 4-7 ms.
open_warmup=$(( warmup > 6 ? warmup : 6 ))
for peer in direct haproxy open auth; do
  warmup="$open_warmup" load "$peer" --rate "$rate" >>"$work/open.txt"
  tail -1 "$work/open.txt"
done
awk -f "$root/benchmarks/load/added-latency.awk" "$work/open.txt"
if [ -n "$out" ]; then
  cp "$work/results.txt" "$out.closed.txt"
  cp "$work/open.txt" "$out.open.txt"
fi
loadgen_warnings
