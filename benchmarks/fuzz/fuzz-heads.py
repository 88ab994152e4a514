#!/usr/bin/env python3
"""Sends thousands of mutated requests to a running proxy and checks how it answers them.

Usage: benchmarks/fuzz/fuzz-heads.py URL [COUNT] [SEED]
  e.g. with `RUNAGENTS_JAVA_OPTS=-Dio.netty.leakDetection.level=paranoid bin/runagents demo` running:
       benchmarks/fuzz/fuzz-heads.py http://127.0.0.1:18080/agent/hello 5000
Then grep the proxy's output for LEAK (there must be none).

Each request (a valid GET, POST, chunked POST or pipelined pair, one to three bytes inserted, deleted or
replaced) goes on its own connection, followed by a pipelined sentinel GET, and is sent in one to three writes.
The checks, per connection:
  - every answer is a well-formed HTTP/1.1 response;
  - nothing is answered after a 400, 414 or 431 (the connection closes: nothing smuggled behind a refusal);
  - no answer is a 5xx other than 502/503/504 (the proxy itself never fails);
and at the end the proxy still answers a plain request.
"""
import random
import socket
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

INSERTS = [" ", "\t", "\r", "\n", "\r\n", ":", ",", ";", "0", "1", "a", "A", "\x00", "\x7f", "\x80", "\xff", "-",
           "/", "\r\n ", "\r\nContent-Length: 2", "\r\nTransfer-Encoding: chunked", "\r\nContent-Length: 0",
           "\r\nHost: b", "HTTP/1.1", "\r\n\r\n", "x\r\n", "ffffffffffffffffff", "\\", "\""]
REFUSALS = {400, 414, 431}


def bases(host, path):
    return [
        f"GET {path}?q=1 HTTP/1.1\r\nHost: {host}\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n",
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: v\r\n\r\n",
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer abc.def.ghi\r\n\r\n"
        f"GET {path}/second HTTP/1.1\r\nHost: {host}\r\n\r\n",
        f"GET {path} HTTP/1.0\r\nHost: {host}\r\nConnection: keep-alive\r\nX-Tab:\tv\t\r\n\r\n",
    ]


def mutate(text, rng):
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(chars))
        kind = rng.randint(0, 3)
        if kind == 0:
            chars[at:at] = list(rng.choice(INSERTS))
        elif kind == 1 and at < len(chars):
            del chars[at]
        elif kind == 2 and at < len(chars):
            chars[at] = rng.choice(INSERTS)[0]
    return "".join(chars).encode("latin-1")


def exchange(address, payload, rng):
    with socket.create_connection(address, timeout=2) as s:
        cuts = sorted(rng.randint(0, len(payload)) for _ in range(rng.randint(0, 2)))
        start = 0
        try:
            for cut in cuts + [len(payload)]:
                s.sendall(payload[start:cut])
                start = cut
        except OSError:
            pass  # the proxy refused and closed while the rest was still being sent
        s.settimeout(0.3)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return data


def statuses(data):
    """The status of each response in data (bodies skipped by Content-Length or chunked framing)."""
    found = []
    while data:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0 or not data.startswith(b"HTTP/1.1 "):
            raise ValueError(f"not an HTTP/1.1 response: {data[:80]!r}")
        head = data[:head_end].decode("latin-1")
        status = int(head[9:12])
        found.append(status)
        fields = {line.split(":", 1)[0].strip().lower(): line.split(":", 1)[1].strip()
                  for line in head.split("\r\n")[1:] if ":" in line}
        rest = data[head_end + 4:]
        if "content-length" in fields:
            rest = rest[int(fields["content-length"]):]
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            while True:
                line_end = rest.find(b"\r\n")
                size = int(rest[:line_end].split(b";")[0], 16)
                rest = rest[line_end + 2 + size + 2:]
                if size == 0:
                    break
        data = rest
    return found


def main():
    url = urlsplit(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261204)
    address = (url.hostname, url.port or 80)
    host = url.netloc
    sentinel = f"GET {url.path}/sentinel HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    seen = Counter()
    problems = []
    started = time.time()
    for n in range(count):
        payload = mutate(rng.choice(bases(host, url.path)), rng) + sentinel
        try:
            answers = statuses(exchange(address, payload, rng))
        except (ValueError, IndexError) as e:
            problems.append(f"#{n} {e}: {payload!r}")
            continue
        for i, status in enumerate(answers):
            seen[status] += 1
            if status >= 500 and status not in (502, 503, 504):
                problems.append(f"#{n} answered {status}: {payload!r}")
            if status in REFUSALS and i < len(answers) - 1:
                problems.append(f"#{n} answered {answers[i + 1:]} after a {status}: {payload!r}")
    final = statuses(exchange(address, f"GET {url.path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode(), rng))
    print(f"{count} mutated requests in {time.time() - started:.0f} s; answers by status: {dict(sorted(seen.items()))};"
          f" a plain request afterwards: {final}")
    for problem in problems[:20]:
        print("PROBLEM", problem)
    sys.exit(1 if problems or not final else 0)


if __name__ == "__main__":
    main()
