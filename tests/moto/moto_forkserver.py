"""Starts test moto servers by forking one process that has already imported them.

Python's start and moto's imports (with the strict gate's) take about 2 s of CPU per server, and
every end-to-end test starts its own; a fork of a process that has done them once starts a server
in milliseconds, with the same fresh state (nothing is made before the fork: moto makes its
backends on the first request). `tests/src/moto.rs` starts one of these per test process.

Protocol, one line each way on stdin/stdout:
  start <port> <strict network 0|1>  ->  <pid>       (a server on 127.0.0.1:<port>)
  stop <pid>                         ->  stopped
When stdin closes (the test process ended, however it ended) every server it started is killed,
and so is each server whose forkserver dies (PR_SET_PDEATHSIG).

Usage: python3 moto_forkserver.py
"""

import ctypes
import os
import signal
import sys

import moto_server

PR_SET_PDEATHSIG = 1


def serve(port, strict_network):
    """In the child: a server of its own, killed if the forkserver dies."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the forkserver died between fork and prctl
        os._exit(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(devnull, stream)
    moto_server.STRICT_NETWORK = strict_network
    try:
        moto_server.main(["-H", "127.0.0.1", "-p", str(port)])
    finally:
        os._exit(0)


def main():
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    children = set()
    try:
        for line in sys.stdin:
            words = line.split()
            if words[:1] == ["start"] and len(words) == 3:
                pid = os.fork()
                if pid == 0:
                    serve(int(words[1]), words[2] == "1")
                children.add(pid)
                answer = str(pid)
            elif words[:1] == ["stop"] and len(words) == 2:
                pid = int(words[1])
                if pid in children:
                    children.discard(pid)
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                answer = "stopped"
            else:
                answer = f"error: unknown request {line.strip()!r}"
            sys.stdout.write(answer + "\n")
            sys.stdout.flush()
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    main()
