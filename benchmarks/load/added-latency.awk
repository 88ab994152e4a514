# Reads LoadGen's open-loop lines and prints each peer's latency and what it adds over "direct".
function field(name,   i, kv) {
  for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
  return ""
}
field("mode") == "open" {
  peer = field("label"); order[++count] = peer
  p50[peer] = field("p50_us"); p90[peer] = field("p90_us"); p99[peer] = field("p99_us"); p999[peer] = field("p999_us")
  rate[peer] = field("rps"); late[peer] = field("late")
}
END {
  printf "%-12s %9s %9s %9s %9s %9s   %s\n", "peer", "req/s", "p50_us", "p90_us", "p99_us", "p99.9_us", "added over direct (p50 / p99)"
  for (i = 1; i <= count; i++) {
    p = order[i]
    added = p == "direct" || !("direct" in p50) ? "" : sprintf("+%.1f / +%.1f us", p50[p] - p50["direct"], p99[p] - p99["direct"])
    printf "%-12s %9.0f %9.1f %9.1f %9.1f %9.1f   %s%s\n", p, rate[p], p50[p], p90[p], p99[p], p999[p], added, ((late[p] > 0) ? " (" late[p] " late at the end)" : "")
  }
}
