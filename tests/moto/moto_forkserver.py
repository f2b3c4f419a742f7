"""Starts test moto servers by forking one process that has already imported them.

Python's start and moto's imports (with the strict gate's) take about 1 s of CPU per server, and
every end-to-end test starts its own; a fork of a process that has done them once starts a server
in milliseconds, with the same fresh state (nothing is made before the fork: moto makes its
backends on the first request). `tests/src/moto.rs` starts one of these per test process.

Protocol, one line each way on stdin/stdout:
  start <port> <strict network 0|1>  ->  <pid>       (a server on 127.0.0.1:<port>)
  stop <pid>                         ->  stopped
A request that fails (a fork refused) is answered `error: …` and the forkserver goes on. When
stdin closes (the test process ended, however it ended) every server it started is killed, and
on Linux so is each server whose forkserver dies (PR_SET_PDEATHSIG).

Usage: python3 moto_forkserver.py
"""

import ctypes
import os
import signal
import sys
import traceback

import moto_server
from moto.moto_api._internal import mock_random

PR_SET_PDEATHSIG = 1


def serve(port, strict_network, forkserver_pid):
    """In the child: a server of its own, killed if the forkserver dies (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != forkserver_pid:  # the forkserver died between fork and prctl
            return
    test_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(devnull, stream)  # quiet: the server logs every request
    # moto draws ids from a Random of its own, which a fork copies: each server its own.
    mock_random.seed()
    moto_server.STRICT_NETWORK = strict_network
    try:
        moto_server.main(["-H", "127.0.0.1", "-p", str(port)])
    except BaseException:  # a port taken, say: the test's stderr says why before it times out
        os.write(test_stderr, f"moto server on port {port}: {traceback.format_exc()}".encode())
        raise


def start(children, port, strict_network):
    forkserver_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            serve(port, strict_network, forkserver_pid)
        finally:
            os._exit(1)  # never back into the forkserver's loop
    children.add(pid)
    return str(pid)


def stop(children, pid):
    if pid in children:
        children.discard(pid)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    return "stopped"


def reap(children):
    """Forgets servers that ended by themselves (a port taken, a crash), so that no pid of theirs
    is killed later, when it may be another process's."""
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)


def main():
    children = set()
    try:
        for line in sys.stdin:
            reap(children)
            words = line.split()
            try:
                if words[:1] == ["start"] and len(words) == 3:
                    answer = start(children, int(words[1]), words[2] == "1")
                elif words[:1] == ["stop"] and len(words) == 2:
                    answer = stop(children, int(words[1]))
                else:
                    answer = f"error: unknown request {line.strip()!r}"
            except (OSError, ValueError) as error:  # a failed fork, a bad number: this request only
                answer = f"error: {line.strip()!r}: {error}"
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
