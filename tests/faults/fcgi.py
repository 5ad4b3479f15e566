#!/usr/bin/env python3
"""Fault drills that talk FastCGI to the workers directly (tests/faults/run).

  fcgi.py midstop SOCK TOKEN PHASE PID...   a request cut in two, every PID
                                            stopped (SIGTERM) in between;
                                            prints "status=<HTTP status>"
                                            or "status=none"
  fcgi.py stall SOCK TOKEN PID              half a body, then nothing; PID
                                            stopped; prints "exited_after=S"
  fcgi.py accept-fails WORKER               WORKER on a socket that cannot
                                            accept; prints "exit=N" or "alive"
  fcgi.py early-stop WORKER                 SIGUSR1 while WORKER starts (held
                                            in flock); prints "stopped",
                                            "alive" or "no-lock"
  fcgi.py dumpable WORKER                   WORKER as nobody; prints
                                            "dumpable=0" or "dumpable=1"
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
ENV = {
    "PATH": "/usr/bin:/bin",
    "LIVEKIT_API_KEY": "APIfaults",
    "LIVEKIT_API_SECRET": "faults-livekit-secret-0123456789abcdefghijk",
    "LIVEKIT_URL": "ws://127.0.0.1:7880",
    "SUPABASE_JWT_SECRET": "faults-supabase-secret-0123456789abcdefghij",
    "WORKER_THREADS": "2",
}


def record(kind, body=b""):
    return struct.pack(">BBHHBB", 1, kind, 1, len(body), 0, 0) + body


def pair(name, value):
    def n(x):
        return bytes([len(x)]) if len(x) < 128 else struct.pack(">I", len(x) | 0x80000000)
    return n(name) + n(value) + name + value


def request_parts(token):
    body = b'{"roomType":"audition","userName":"Fault Drill"}'
    params = b"".join(pair(k.encode(), v.encode()) for k, v in [
        ("REQUEST_METHOD", "POST"),
        ("DOCUMENT_URI", "/functions/v1/livekit-token"),
        ("SCRIPT_NAME", "/functions/v1/livekit-token"),
        ("CONTENT_TYPE", "application/json"),
        ("CONTENT_LENGTH", str(len(body))),
        ("HTTP_AUTHORIZATION", "Bearer " + token),
        ("REQUEST_ID", "faults0000000000"),
    ])
    return record(BEGIN, struct.pack(">HB5x", 1, 0)), params, body


def read_status(s):
    """The HTTP status of the answer, or None when the connection ends first."""
    out, buf = b"", b""
    s.settimeout(20)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return None
            buf += chunk
            while len(buf) >= 8:
                _, kind, _, clen, plen, _ = struct.unpack(">BBHHBB", buf[:8])
                if len(buf) < 8 + clen + plen:
                    break
                content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
                if kind == STDOUT:
                    out += content
                elif kind == END:
                    for line in out.split(b"\r\n"):
                        if line.lower().startswith(b"status:"):
                            return int(line.split()[1])
                    return 200
    except (socket.timeout, ConnectionError):
        return None


def stop(pids):
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass


def midstop(sock, token, phase, pids):
    begin, params, body = request_parts(token)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    if phase == "params":
        first = begin + record(PARAMS, params[:40])
        rest = record(PARAMS, params[40:]) + record(PARAMS) + record(STDIN, body) + record(STDIN)
    else:
        first = begin + record(PARAMS, params) + record(PARAMS) + record(STDIN, body[:10])
        rest = record(STDIN, body[10:]) + record(STDIN)
    s.sendall(first)
    time.sleep(0.3)          # a thread is reading this request now
    stop(pids)
    time.sleep(0.3)          # every worker has been told to stop
    try:
        s.sendall(rest)
    except OSError:
        print("status=none")
        return
    st = read_status(s)
    print("status=%s" % ("none" if st is None else st))


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def stall(sock, token, pid):
    begin, params, body = request_parts(token)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(begin + record(PARAMS, params) + record(PARAMS) + record(STDIN, body[:10]))
    time.sleep(0.3)
    t0 = time.monotonic()
    stop([pid])
    while alive(pid) and time.monotonic() - t0 < 20:
        time.sleep(0.05)
    print("exited_after=%.1f" % (time.monotonic() - t0))
    s.close()


def accept_fails(worker):
    d = tempfile.mkdtemp()
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(d, "sock"))      # bound, never listening: accept fails
    p = subprocess.Popen([worker], stdin=s.fileno(), env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        print("exit=%d" % p.wait(timeout=10))
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        print("alive")
    shutil.rmtree(d)


def dumpable(worker):
    d = tempfile.mkdtemp()
    os.chmod(d, 0o755)
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(d, "sock"))
    s.listen(8)

    def drop():
        os.setgid(65534)
        os.setgroups([])
        os.setuid(65534)
    # nobody must be able to run it: a clone may sit in a directory only
    # root can enter (mktemp -d is 0700), so run a copy from d.
    copy = os.path.join(d, "livekit-token")
    shutil.copy(worker, copy)
    os.chmod(copy, 0o755)
    p = subprocess.Popen([copy], stdin=s.fileno(), env=ENV, preexec_fn=drop,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    # A process that is not dumpable has its /proc entries owned by root.
    try:
        owner = os.stat("/proc/%d/status" % p.pid).st_uid
        print("dumpable=%d" % (0 if owner == 0 else 1))
    except OSError:
        print("dumpable=unknown (worker exited: %s)" % p.poll())
    p.terminate()
    p.wait()
    shutil.rmtree(d)


def early_stop(worker):
    """A stop signal while the worker starts must still stop it. libfcgi's
    FCGX_Init installs SIGUSR1/SIGTERM handlers that only set a flag the
    pool never reads, and the pool blocked its stop signals only after
    opening the shared files: a stop in between was swallowed and the
    worker served on. The drill holds the failure table's lock, so that the
    worker waits in flock() right there, sends SIGUSR1 (multiwatch's one
    graceful stop), then lets go."""
    import fcntl
    d = tempfile.mkdtemp()
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(d, "sock"))
    s.listen(8)
    table = os.path.join(d, "auth-failures")
    env = dict(ENV, AUTH_FAILURE_FILE=table, METRICS_FILE=os.path.join(d, "metrics"))
    # The file's name carries a format hash: a first worker makes it.
    first = subprocess.Popen([worker], stdin=s.fileno(), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    names = []
    while not names and time.time() < deadline:
        names = [n for n in os.listdir(d) if n.startswith("auth-failures.")]
        time.sleep(0.05)
    time.sleep(0.5)
    first.terminate()
    first.wait()
    if not names:
        print("no-lock")
        shutil.rmtree(d)
        return
    held = os.open(os.path.join(d, names[0]), os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_EX)
    p = subprocess.Popen([worker], stdin=s.fileno(), env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)          # the worker is in flock(), after FCGX_Init
    p.send_signal(signal.SIGUSR1)
    time.sleep(0.1)
    fcntl.flock(held, fcntl.LOCK_UN)
    os.close(held)
    try:
        p.wait(timeout=5)
        print("stopped")
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        print("alive")
    shutil.rmtree(d)


def main(argv):
    if len(argv) >= 5 and argv[1] == "midstop":
        midstop(argv[2], argv[3], argv[4], [int(x) for x in argv[5:]])
    elif len(argv) == 5 and argv[1] == "stall":
        stall(argv[2], argv[3], int(argv[4]))
    elif len(argv) == 3 and argv[1] == "accept-fails":
        accept_fails(argv[2])
    elif len(argv) == 3 and argv[1] == "early-stop":
        early_stop(argv[2])
    elif len(argv) == 3 and argv[1] == "dumpable":
        dumpable(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
