#!/usr/bin/env python3
"""Latency of `ordrecon watch`: from a file's rename into the inbox to its events committed.

Builds nothing: give it a built binary (default .build/release/ordrecon). For each mode
(inotify, and polling with --poll) it makes a workspace in a temporary folder with
`ordrecon init`, starts `ordrecon watch` there (default settle time unless --settle-ms), drops
N files into inbox/storefront one at a time (`name.part` written, then renamed; a pause
between files), each holding one order event, and watches the SQLite database (read-only) for
each file's row in `files` reaching state `done`. It prints the median, p95 and worst latency
from the rename to the commit being seen (polled every --poll-interval-ms), and the same from
the daemon's own `files.finished_at`; then stops the daemon with SIGTERM, which must exit 0.

    swift build -c release --product ordrecon
    scripts/watch-latency.py [.build/release/ordrecon] [-n 200] [--pause-ms 50] [--poll]

Exit status: 0 when every file was committed exactly once and the daemon exited 0, else 1.
Standard library only.
"""

import argparse
import contextlib
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HEADER = "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\n"


def row(n):
    return f"E-LAT{n},order,O-LAT{n},PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C-LAT{n},SKU-A,2,49.50\n"


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil(len * fraction)
    return ordered[int(rank) - 1]


def describe(values):
    if not values:
        return "no samples"
    ms = [v * 1000 for v in values]
    return (f"median {statistics.median(ms):7.1f} ms   p95 {percentile(ms, 0.95):7.1f} ms   "
            f"worst {max(ms):7.1f} ms   best {min(ms):6.1f} ms   (n={len(ms)})")


def read_only(database):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5, isolation_level=None)
    connection.execute("PRAGMA busy_timeout = 5000")
    return connection


def wait_until(condition, timeout, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except sqlite3.Error:
            pass
        time.sleep(interval)
    return False


class Poller(threading.Thread):
    """Records, for each file name, when its `files` row was first seen in state `done`."""

    def __init__(self, database, interval):
        super().__init__(daemon=True)
        self.database = database
        self.interval = interval
        self.seen = {}  # name -> monotonic time it was seen done
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        connection = None
        while not self.stop.is_set():
            try:
                if connection is None:
                    connection = read_only(self.database)
                rows = connection.execute("SELECT name FROM files WHERE state = 'done'").fetchall()
                now = time.monotonic()
                with self.lock:
                    for (name,) in rows:
                        self.seen.setdefault(name, now)
            except sqlite3.Error:
                connection = None
            time.sleep(self.interval)
        if connection is not None:
            connection.close()

    def count(self):
        with self.lock:
            return len(self.seen)


def measure(binary, mode, files, pause, settle_ms, poll_interval, keep):
    """One daemon, `files` drops. Returns (ok, observed latencies, recorded latencies)."""
    root = tempfile.mkdtemp(prefix=f"ordrecon-latency-{mode}-")
    ok = True
    daemon = None
    log = None
    try:
        subprocess.run([binary, "init", root], check=True, stdout=subprocess.DEVNULL)
        database = os.path.join(root, "var", "ordrecon.sqlite")
        inbox = os.path.join(root, "inbox", "storefront")
        arguments = [binary, "watch"]
        if mode == "poll":
            arguments.append("--poll")
        if settle_ms is not None:
            arguments += ["--settle-ms", str(settle_ms)]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ORDRECON_LOG_")}
        log = open(os.path.join(root, "watch.log"), "wb")
        daemon = subprocess.Popen(arguments, cwd=root, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                  env=environment)

        # Ready: the daemon's run and its first pass are recorded (the watches are in place).
        def ready():
            if daemon.poll() is not None:
                raise RuntimeError(f"ordrecon watch exited at start with {daemon.returncode}")
            if not os.path.exists(database):
                return False
            with contextlib.closing(read_only(database)) as connection:
                return connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] >= 2
        if not wait_until(ready, 60):
            raise RuntimeError("ordrecon watch not ready within 60 s")

        poller = Poller(database, poll_interval)
        poller.start()
        renamed = {}  # name -> (monotonic, wall clock) of the rename
        for n in range(files):
            name = f"lat-{n:05d}.csv"
            partial = os.path.join(inbox, name + ".part")
            with open(partial, "w") as f:
                f.write(HEADER + row(n))
            wall = time.time()
            os.rename(partial, os.path.join(inbox, name))
            renamed[name] = (time.monotonic(), wall)
            time.sleep(pause)
        complete = wait_until(lambda: poller.count() >= files, 120 + (settle_ms or 2000) / 1000)
        poller.stop.set()
        poller.join()
        if not complete:
            print(f"  {mode}: only {poller.count()} of {files} files committed", file=sys.stderr)
            ok = False

        observed = [poller.seen[name] - renamed[name][0] for name in renamed if name in poller.seen]
        with contextlib.closing(read_only(database)) as connection:
            finished = dict(connection.execute(
                "SELECT name, finished_at FROM files WHERE state = 'done'").fetchall())
            counts = connection.execute(
                "SELECT COUNT(*), COUNT(DISTINCT name), (SELECT COUNT(*) FROM audit_events) FROM files").fetchone()
        recorded = [finished[name] / 1000 - renamed[name][1] for name in renamed if finished.get(name)]
        if counts != (files, files, files):
            print(f"  {mode}: files rows, distinct names, audit rows = {counts}, expected {files} each",
                  file=sys.stderr)
            ok = False

        started = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        try:
            status = daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
            status = None
        took = time.monotonic() - started
        if status != 0:
            print(f"  {mode}: ordrecon watch did not exit 0 after SIGTERM (status {status})", file=sys.stderr)
            ok = False
        print(f"  {mode}: SIGTERM -> exit {status} in {took * 1000:.0f} ms")
        return ok, observed, recorded
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        if log is not None:
            log.close()
        if keep or not ok:
            print(f"  {mode}: workspace kept: {root} (log: {root}/watch.log)", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", nargs="?", default=".build/release/ordrecon", help="the built ordrecon")
    parser.add_argument("-n", "--files", type=int, default=200, help="files to drop (default 200)")
    parser.add_argument("--pause-ms", type=float, default=50, help="pause between drops (default 50 ms)")
    parser.add_argument("--poll", action="store_true", help="measure --poll mode as well")
    parser.add_argument("--settle-ms", type=int, default=None, help="pass --settle-ms (default: the config's)")
    parser.add_argument("--poll-interval-ms", type=float, default=2, help="database polling interval (default 2 ms)")
    parser.add_argument("--keep", action="store_true", help="keep the workspaces")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        parser.error(f"{binary} is not an executable (build it: swift build -c release --product ordrecon)")

    print(f"ordrecon watch latency: {binary}, {args.files} files, {args.pause_ms:g} ms apart, "
          f"settle {'default' if args.settle_ms is None else str(args.settle_ms) + ' ms'}")
    all_ok = True
    for mode in ["inotify"] + (["poll"] if args.poll else []):
        ok, observed, recorded = measure(binary, mode, args.files, args.pause_ms / 1000, args.settle_ms,
                                         args.poll_interval_ms / 1000, args.keep)
        all_ok = all_ok and ok
        print(f"  {mode}: rename -> commit seen        {describe(observed)}")
        print(f"  {mode}: rename -> files.finished_at  {describe(recorded)}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
