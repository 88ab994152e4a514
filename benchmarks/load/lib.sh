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
    client=(taskset -c 0) server=(taskset -c 1) server_core=1 client_core=0
    pinning="load generator on core 0, servers on core 1 (taskset)"
  else
    client=() server=() server_core=0 client_core=0
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

# What else had the server's core during a run, so that a bad tail can be explained rather than ignored: how busy
# the core was (/proc/stat; at saturation a queue builds and the tail grows without bound), a hiccup
# meter on that core (Hiccups: how late a 1 ms sleep woke; this VM reports no steal time, so a stall of the vCPU
# shows only there), the time the server's threads spent runnable but waiting for a core
# (/proc/PID/task/*/schedstat), and for a JVM peer with an admin port (server_admin NAME, if the script defines it)
# its GC pauses from the proxy's /metrics and the CPU time its JIT compiler threads took.
core_ticks() { awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= 9; i++) t += $i; print $5 + $6, t }' /proc/stat; } # idle total
runq_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $2 } END { printf "%.0f", s }'; }
jit_ns() { # the CPU time of a JVM's JIT compiler threads, which compete with its event loop on a shared core
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in C1\ CompilerThre*|C2\ CompilerThre*) cut -d' ' -f1 "$t/schedstat" ;; esac
  done | awk '{ s += $1 } END { printf "%.0f", s }'
}
gc_pauses() { # admin port -> count seconds (every collector's pauses so far)
  curl -sf "http://127.0.0.1:$1/metrics" | awk '/^runagents_jvm_gc_pause_seconds_count/ { c += $NF }
    /^runagents_jvm_gc_pause_seconds_sum/ { s += $NF } END { printf "%d %.6f\n", c, s }'
}
admin_of() { declare -F server_admin >/dev/null && server_admin "$1" || true; }

load() { # name extra-args...: one LoadGen run against the peer, its line plus cpu_us and sys_us per request
  local name="$1"; shift
  local pid before sys_before line; pid="$(server_pid "$name")"; before="$(cpu_ticks "$pid")"
  sys_before="$(sys_ticks "$pid")"
  local admin runq_before core_before gc_before="" jit_before=""; admin="$(admin_of "$name")"
  runq_before="$(runq_ns "$pid")"; core_before="$(core_ticks "$server_core") $(core_ticks "$client_core")"
  [ -n "$admin" ] && jit_before="$(jit_ns "$pid")"
  [ -n "$admin" ] && gc_before="$(gc_pauses "$admin")"
  "${server[@]}" java -Xmx32m -XX:TieredStopAtLevel=1 -cp "$jar" io.runagents.ingress.benchmarks.load.Hiccups \
    $(( duration + warmup )) >"$work/hiccups.$name" 2>&1 &
  local hiccups=$!
  # shellcheck disable=SC2046
  line="$("${client[@]}" java -Xms256m -Xmx256m -cp "$jar" io.runagents.ingress.benchmarks.load.LoadGen \
    $(peer_args "$name") --label "$name" --connections "$connections" --duration "$duration" \
    --warmup "$warmup" "$@" 2>>"$work/loadgen.err" || true)"
  local ticks=$(( $(cpu_ticks "$pid") - before )) sys=$(( $(sys_ticks "$pid") - sys_before ))
  wait "$hiccups" 2>/dev/null || true
  local context; context="$(cat "$work/hiccups.$name") $(waits "$pid" "$runq_before" "$admin" "$gc_before" "$core_before" "$jit_before")"
  # The ticks cover warm-up and measured window alike, so divide by all requests of both (rps * total time).
  # sys_us is the kernel's share of cpu_us (sends, receives, wake-ups), the rest is the server's own code.
  echo "$line" | awk -v r="${round:-0}" -v t="$ticks" -v st="$sys" -v hz="$(getconf CLK_TCK)" -v d="$duration" -v w="$warmup" '
    { for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) rps = substr($i, 5) }
    { n = rps * (d + w); printf "%s round=%s cpu_us=%.1f sys_us=%.1f\n", $0, r, (n > 0 ? t / hz * 1e6 / n : 0), (n > 0 ? st / hz * 1e6 / n : 0) }' \
    | sed "s/\$/ $context/" | tee -a "$work/results.txt"
}

waits() { # pid runq-before admin gc-before cores-before jit-before -> core_busy_pct= client_core_busy_pct= runq_ms=
  # [gc_count= gc_ms= jit_ms=] over the run
  local gc="" jit=""; [ -n "$3" ] && gc="$(gc_pauses "$3")" && jit="$(jit_ns "$1")"
  awk -v rb="$2" -v rn="$(runq_ns "$1")" -v gb="$4" -v gn="$gc" -v cb="$5" -v jb="$6" -v jn="$jit" \
      -v cn="$(core_ticks "$server_core") $(core_ticks "$client_core")" 'BEGIN {
    split(cb, x, " "); split(cn, y, " "); dt = y[2] - x[2]; dc = y[4] - x[4]
    printf "core_busy_pct=%.0f client_core_busy_pct=%.0f runq_ms=%.0f", (dt > 0 ? 100 - 100 * (y[1] - x[1]) / dt : 0),
      (dc > 0 ? 100 - 100 * (y[3] - x[3]) / dc : 0), (rn - rb) / 1e6
    if (gb != "" && gn != "") { split(gb, p, " "); split(gn, q, " "); printf " gc_count=%d gc_ms=%.1f", q[1] - p[1], 1000 * (q[2] - p[2]) }
    if (jb != "" && jn != "") printf " jit_ms=%.0f", (jn - jb) / 1e6
  }'
}

loadgen_warnings() { # after the runs: what the load generator complained about (non-2xx answers, errors)
  if [ -s "$work/loadgen.err" ] && grep -q WARNING "$work/loadgen.err"; then
    echo "# warnings from the load generator:"; grep WARNING "$work/loadgen.err"
  fi
}
