# Shared by the load scripts (compare.sh, egress.sh): tools, the build, a temp dir stopped and removed on exit,
# core pinning, and one measured run with the serving process's CPU time per request.
# A script sets root, connections, duration and warmup, sources this file, calls load_setup, and defines
# peer_args NAME (LoadGen's target arguments) and server_pid NAME (the process whose CPU a peer costs).

load_setup() {
  local need=()
  command -v nginx >/dev/null || need+=(nginx)
  command -v haproxy >/dev/null || need+=(haproxy)
  command -v wrk >/dev/null || need+=(wrk)
  command -v taskset >/dev/null || need+=(util-linux)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (Debian packages)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if [ ! -f "$root/benchmarks/target/benchmarks.jar" ] || [ ! -f "$root/proxy-core/target/runagents.jar" ]; then
    (cd "$root" && mvn -B -q -DskipTests package) >&2
  fi
  jar="$root/benchmarks/target/benchmarks.jar"
  work="$(mktemp -d /tmp/runagents-load.XXXXXX)"
  pids=()
  trap load_cleanup EXIT INT TERM
  # Two cores or more: the load generator gets core 0, every server shares core 1 (only one is loaded at a
  # time), so a peer's figure is what one core of server does. One core: no pinning.
  if [ "$(nproc)" -ge 2 ]; then
    client=(taskset -c 0) server=(taskset -c 1)
    pinning="load generator on core 0, servers on core 1 (taskset)"
  else
    client=() server=()
    pinning="no pinning (1 core)"
  fi
}

nginx_conf() { # < locations: $work/nginx.conf, one worker on 127.0.0.1:$backend serving $work/jwks.json and them
  mkdir -p "$work/nginx-tmp"
  chmod 755 "$work" && chmod 644 "$work/jwks.json" # nginx's workers run unprivileged
  {
    cat <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp; proxy_temp_path $work/nginx-tmp; fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp; scgi_temp_path $work/nginx-tmp;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$backend;
    location = /jwks.json { root $work; default_type application/json; }
EOF
    cat
    printf '  }\n}\n'
  } >"$work/nginx.conf"
}

load_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

wait_ready() { # admin-port...: until each proxy's /readyz answers 200 (20 s at most)
  for admin_port in "$@"; do
    for _ in $(seq 1 100); do
      curl -sf -o /dev/null "http://127.0.0.1:$admin_port/readyz" && break
      sleep 0.2
    done
  done
}

check() { # name expected-status curl-args...: a peer answers what it should before it is measured
  local name="$1" want="$2"; shift 2
  local got; got="$(curl -s -o /dev/null -w '%{http_code}' "$@")"
  if [ "$got" != "$want" ]; then
    echo "peer $name answered $got, expected $want; proxy log:" >&2; tail -20 "$work/proxy.log" >&2; exit 1
  fi
}

# CPU time is read from /proc for the process that serves each peer: its CPU microseconds per request hardly
# depend on what else the machine runs, unlike req/s on a shared machine.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # user + system
sys_ticks() { awk '{ print $15 }' "/proc/$1/stat"; }

load() { # name extra-args...: one LoadGen run against the peer, its line plus cpu_us and sys_us per request
  local name="$1"; shift
  local pid before sys_before line; pid="$(server_pid "$name")"; before="$(cpu_ticks "$pid")"
  sys_before="$(sys_ticks "$pid")"
  # shellcheck disable=SC2046
  line="$("${client[@]}" java -Xms256m -Xmx256m -cp "$jar" io.runagents.ingress.benchmarks.load.LoadGen \
    $(peer_args "$name") --label "$name" --connections "$connections" --duration "$duration" \
    --warmup "$warmup" "$@" 2>>"$work/loadgen.err" || true)"
  local ticks=$(( $(cpu_ticks "$pid") - before )) sys=$(( $(sys_ticks "$pid") - sys_before ))
  # The ticks cover warm-up and measured window alike, so divide by all requests of both (rps * total time).
  # sys_us is the kernel's share of cpu_us (sends, receives, wake-ups), the rest is the server's own code.
  echo "$line" | awk -v t="$ticks" -v st="$sys" -v hz="$(getconf CLK_TCK)" -v d="$duration" -v w="$warmup" '
    { for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) rps = substr($i, 5) }
    { n = rps * (d + w); printf "%s cpu_us=%.1f sys_us=%.1f\n", $0, (n > 0 ? t / hz * 1e6 / n : 0), (n > 0 ? st / hz * 1e6 / n : 0) }' \
    | tee -a "$work/results.txt"
}

loadgen_warnings() { # after the runs: what the load generator complained about (non-2xx answers, errors)
  if [ -s "$work/loadgen.err" ] && grep -q WARNING "$work/loadgen.err"; then
    echo "# warnings from the load generator:"; grep WARNING "$work/loadgen.err"
  fi
}
