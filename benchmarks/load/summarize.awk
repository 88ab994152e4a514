# Reads LoadGen's key=value lines (closed loop, several rounds per peer) and prints, per peer, the median
# req/s, p50, p99 and server CPU per request over the rounds, then the ratios the issue's targets are stated
# in: of req/s, and of requests per CPU second of the peer's own process (cpu_us; robust on a busy machine). A
# target is judged on the second, as the issue states them.
# of_sys is the part of cpu_us spent in the kernel.
# Where both peers ran in the same rounds, each ratio is also given per round (the two runs of a round are a minute
# apart at most): the range of those shows how far the machine's drift moves a ratio within one run.
function field(name,   i, kv) {
  for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
  return ""
}
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
field("mode") == "closed" {
  peer = field("label")
  if (!(peer in rps)) order[++count] = peer
  rps[peer] = rps[peer] " " field("rps"); p50[peer] = p50[peer] " " field("p50_us"); p99[peer] = p99[peer] " " field("p99_us")
  cpu[peer] = cpu[peer] " " field("cpu_us"); sys[peer] = sys[peer] " " field("sys_us")
  bad[peer] += field("non2xx") + field("errors")
  r = field("round"); if (r != "") { roundcpu[peer, r] = field("cpu_us"); if (r + 0 > maxround) maxround = r + 0 }
}
function paired(a, b,   i, list, n, x, lo, hi) {
  n = 0; list = ""
  for (i = 1; i <= maxround; i++) {
    if (!((a, i) in roundcpu) || !((b, i) in roundcpu) || roundcpu[a, i] == 0) continue
    x = roundcpu[b, i] / roundcpu[a, i]; list = list " " x; n++
    if (n == 1 || x < lo) lo = x
    if (n == 1 || x > hi) hi = x
  }
  return n < 2 ? "" : sprintf("   per round: %.2fx (%.2f-%.2f, %d rounds)", median(list), lo, hi, n)
}
function ratio(a, b, target,   r, c) {
  if (!(a in med) || !(b in med) || med[b] == 0) return
  r = med[a] / med[b]
  c = (medcpu[a] > 0) ? medcpu[b] / medcpu[a] : 0
  printf "  %-22s %6.2fx req/s  %6.2fx req per CPU-s%s%s\n", a " / " b, r, c, \
    (target == "" ? "" : sprintf("   (target >= %s)%s", target, (c >= target) ? "" : "   NOT MET")), paired(a, b)
}
END {
  printf "%-12s %9s %9s %9s %11s %8s   %s\n", "peer", "req/s", "p50_us", "p99_us", "cpu_us/req", "of_sys", "req/s of each round"
  for (i = 1; i <= count; i++) {
    p = order[i]; med[p] = median(rps[p]); medcpu[p] = median(cpu[p])
    printf "%-12s %9.0f %9.1f %9.1f %11.1f %8.1f  %s%s\n", p, med[p], median(p50[p]), median(p99[p]), medcpu[p], \
      median(sys[p]), rps[p], \
      (bad[p] ? "  (" bad[p] " failed)" : "")
  }
  print "ratios (medians):"
  ratio("auth", "haproxy", 0.95)
  ratio("auth", "haproxy-jwt", 3.0)
  ratio("auth", "open", 0.95)
  ratio("open-token", "open", "")  # what the longer head alone costs
  ratio("auth", "open-token", "")  # what the identity work costs on top of it
  ratio("open", "haproxy", 1.0)
  ratio("open", "open-base", 0.97)
  ratio("auth", "auth-base", 0.97)
  ratio("oauth", "apikey", 0.95)
}
