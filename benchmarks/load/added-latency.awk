# Reads LoadGen's open-loop lines and prints each peer's latency and what it adds over "direct", then what else
# had the server's core during each run (lib.sh's core_busy_pct, hiccup meter, runq_ms, gc_count and gc_ms): a tail that these do not
# explain is the server's own.
function field(name,   i, kv) {
  for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
  return ""
}
field("mode") == "open" {
  peer = field("label"); order[++count] = peer
  p50[peer] = field("p50_us"); p90[peer] = field("p90_us"); p99[peer] = field("p99_us"); p999[peer] = field("p999_us")
  rate[peer] = field("rps"); late[peer] = field("late")
  busy[peer] = field("core_busy_pct"); cbusy[peer] = field("client_core_busy_pct"); hic99[peer] = field("hiccup_p99_us"); hicmax[peer] = field("hiccup_max_us"); runq[peer] = field("runq_ms"); gcs[peer] = field("gc_count"); gcms[peer] = field("gc_ms"); jit[peer] = field("jit_ms")
}
END {
  printf "%-12s %9s %9s %9s %9s %9s   %s\n", "peer", "req/s", "p50_us", "p90_us", "p99_us", "p99.9_us", "added over direct (p50 / p99)"
  for (i = 1; i <= count; i++) {
    p = order[i]
    added = p == "direct" || !("direct" in p50) ? "" : sprintf("+%.1f / +%.1f us", p50[p] - p50["direct"], p99[p] - p99["direct"])
    printf "%-12s %9.0f %9.1f %9.1f %9.1f %9.1f   %s%s\n", p, rate[p], p50[p], p90[p], p99[p], p999[p], added, ((late[p] > 0) ? " (" late[p] " late at the end)" : "")
  }
  print "during each run: how busy the server core and the load generator's core were (%), how late a 1 ms sleep"
  print "woke on the server core (p99, max, us), the server's threads waiting runnable for a core (ms in all), GC pauses,"
  print "and the CPU time of the JVM's JIT compiler threads (ms)"
  printf "%-12s %7s %9s %11s %11s %9s %9s %9s %9s\n", "peer", "busy_%", "client_%", "hiccup_p99", "hiccup_max", "runq_ms", "gc_count", "gc_ms", "jit_ms"
  for (i = 1; i <= count; i++) {
    p = order[i]
    printf "%-12s %7s %9s %11s %11s %9s %9s %9s %9s\n", p, busy[p], cbusy[p], hic99[p], hicmax[p], runq[p], (gcs[p] == "" ? "-" : gcs[p]), \
      (gcms[p] == "" ? "-" : gcms[p]), (jit[p] == "" ? "-" : jit[p])
  }
}
