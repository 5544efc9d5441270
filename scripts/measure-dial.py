#!/usr/bin/env python3
"""Kernel time of one memcached-style dial on loopback: socket() + bind(local IP, port 0) + connect().

The source of `kernel.dialSyscallSec`. Blocking sockets from Python, so each figure includes about
2-3 us of interpreter overhead per dial; the sockets are closed with SO_LINGER 0 so that no TIME_WAIT
builds up. Usage: python3 scripts/measure-dial.py [dials]
"""
import socket
import struct
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]


def accept_forever():
    while True:
        conn, _ = srv.accept()
        conn.close()


threading.Thread(target=accept_forever, daemon=True).start()
times = []
for i in range(N):
    t0 = time.perf_counter()
    s = socket.socket()
    s.bind(("127.0.0.%d" % (2 + i % 200), 0))
    s.connect(("127.0.0.1", port))
    times.append(time.perf_counter() - t0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
times.sort()
q = lambda p: times[int(p * (N - 1))] * 1e6
print("dials=%d socket+bind+connect_us median=%.1f p10=%.1f p90=%.1f" % (N, q(0.5), q(0.1), q(0.9)))
