#!/usr/bin/env python3
"""Refund delivery benchmark: refunds/s of `ordrecon dispatch` (release build) against the
bundled mock gateway, as a curve over [gateway] concurrency, with the mock answering after
--delay-ms 50 and with no delay.

Once: a workspace with --refunds paid-and-cancelled orders is run with the gateway pointed at a
closed port, so every refund is recorded and pending (the circuit breaker stops that pass after
a few attempts). For each point of the curve: a copy of that workspace, all but the wanted
number of refunds set aside (marked failed in the copy's database, so `dispatch` leaves them),
`ordrecon mock-gateway --delay-ms D` on a free port (its per-request log lines off), `[gateway]
concurrency = C`, then
`ordrecon dispatch --json`; refunds/s is what it sent divided by its dispatch time (as its
report says), and the ratio is against concurrency 1 at the same delay. The limit of a delayed
gateway is C / delay (e.g. 16 / 0.05 s = 320/s), printed beside.

Usage: scripts/benchmark-refunds.py [--refunds 20000] [--concurrency 1,4,16,64] [--delays 50,0] [--no-build]
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "ordrecon")


def write_feeds(work, count):
    """`count` orders of 99.00, paid and cancelled: one refund each."""
    def drop(feed, name, text, mtime):
        folder = os.path.join(work, "inbox", feed)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        with open(path + ".part", "w", encoding="utf-8") as handle:
            handle.write(text)
        os.utime(path + ".part", (mtime, mtime))
        os.rename(path + ".part", path)

    orders = ["event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price"]
    payments = ["event_id,entity,order_id,status,occurred_at,amount,payment_ref"]
    cancels = ["event_id,entity,order_id,status,occurred_at,reason"]
    for n in range(1, count + 1):
        orders.append(f"S{n},order,O{n},PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C{n},SKU-A,2,49.50")
        payments.append(f"P{n},order,O{n},PAID,2026-01-01T10:05:00+05:30,99.00,PAY-{n}")
        cancels.append(f"X{n},order,O{n},CANCELLED,2026-01-01T11:00:00+05:30,customer asked")
    drop("storefront", "orders.csv", "\n".join(orders) + "\n", 1_700_000_001)
    drop("payments", "payments.csv", "\n".join(payments) + "\n", 1_700_000_002)
    drop("storefront", "cancels.csv", "\n".join(cancels) + "\n", 1_700_000_003)


def set_gateway(work, **keys):
    """Sets keys of the workspace config's [gateway] table."""
    path = os.path.join(work, "config", "ordrecon.toml")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for key, value in keys.items():
        rendered = f'"{value}"' if isinstance(value, str) else str(value)
        text, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {rendered}", text)
        if not found:
            raise SystemExit(f"no key {key} in {path}")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace("write_pdfs = true", "write_pdfs = false"))


def closed_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(count):
    work = tempfile.mkdtemp(prefix="ordrecon-bench-refunds-")
    subprocess.run([BIN, "init", work], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    set_gateway(work, base_url=f"http://127.0.0.1:{closed_port()}", max_attempts=1)
    write_feeds(work, count)
    started = time.monotonic()
    run = subprocess.run([BIN, "run", "--quiet"], cwd=work, capture_output=True, text=True)
    if run.returncode != 75:
        raise SystemExit(f"preparing: ordrecon run exited {run.returncode}: {run.stderr[-2000:]}")
    with sqlite3.connect(os.path.join(work, "var", "ordrecon.sqlite")) as db:
        pending = db.execute("SELECT COUNT(*) FROM refunds WHERE status = 'pending'").fetchone()[0]
        # Due at once in every copy (the pass above stored a short backoff for a few of them).
        db.execute("UPDATE refunds SET next_attempt_at = NULL")
    print(f"prepared {pending} pending refunds in {time.monotonic() - started:.1f} s ({work})")
    return work


def start_mock(delay):
    # Its one log line per request is not written (warnings only): the mock should cost as little as it can.
    env = dict(os.environ, ORDRECON_LOG_LEVEL="warning")
    mock = subprocess.Popen([BIN, "mock-gateway", "--port", "0", "--delay-ms", str(delay)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    match = re.search(r"http://127\.0\.0\.1:\d+", mock.stdout.readline())
    if not match:
        mock.kill()
        raise SystemExit("mock-gateway did not start")
    return mock, match.group(0)


def measure(template, refunds, concurrency, delay):
    work = tempfile.mkdtemp(prefix="ordrecon-bench-refunds-copy-")
    shutil.rmtree(work)
    shutil.copytree(template, work, symlinks=True)
    try:
        with sqlite3.connect(os.path.join(work, "var", "ordrecon.sqlite")) as db:
            db.execute("""UPDATE refunds SET status = 'failed' WHERE status = 'pending' AND refund_id NOT IN
                          (SELECT refund_id FROM refunds WHERE status = 'pending' ORDER BY audit_id LIMIT ?)""", (refunds,))
        mock, url = start_mock(delay)
        try:
            set_gateway(work, base_url=url, concurrency=concurrency, max_attempts=5)
            started = time.monotonic()
            done = subprocess.run([BIN, "dispatch", "--json", "--quiet"], cwd=work, capture_output=True, text=True)
            wall = time.monotonic() - started
        finally:
            mock.terminate()
            mock.wait()
        if done.returncode != 0:
            raise SystemExit(f"ordrecon dispatch exited {done.returncode}: {done.stdout[-1000:]} {done.stderr[-2000:]}")
        report = json.loads(done.stdout)
        seconds = float(report["seconds"])
        return report["sent"], seconds, wall
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refunds", type=int, default=20000, help="refunds prepared (the most any point sends)")
    parser.add_argument("--concurrency", default="1,4,16,64")
    parser.add_argument("--delays", default="50,0", help="mock --delay-ms values")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="aim of each point's duration: refunds sent = min(--refunds, expected rate x this)")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "ordrecon"], cwd=ROOT, check=True)
    print(f"machine: {os.cpu_count()} cores; binary: {BIN}")
    template = prepare(args.refunds)
    try:
        for delay in [int(d) for d in args.delays.split(",")]:
            base = None
            print(f"mock-gateway --delay-ms {delay}:")
            for concurrency in [int(c) for c in args.concurrency.split(",")]:
                # Enough refunds for a few seconds of work at the rate this point can reach.
                ceiling = concurrency * 1000 / delay if delay > 0 else 20000
                refunds = int(max(200, min(args.refunds, ceiling * args.seconds)))
                sent, seconds, wall = measure(template, refunds, concurrency, delay)
                rate = sent / seconds if seconds > 0 else 0
                base = base or rate
                limit = f"  (limit {ceiling:.0f}/s)" if delay > 0 else ""
                print(f"  concurrency {concurrency:>3}: {sent:>6} refunds in {seconds:6.2f} s  {rate:>7.0f} refunds/s  "
                      f"x{rate / base:5.2f} of concurrency {args.concurrency.split(',')[0]}{limit}  (process {wall:.2f} s)")
    finally:
        shutil.rmtree(template, ignore_errors=True)


if __name__ == "__main__":
    main()
