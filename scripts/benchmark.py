#!/usr/bin/env python3
"""End-to-end benchmark of `ordrecon run` (release build).

For each size, generates a fresh workload with `ordrecon generate` (about 5.5 events per order),
starts `ordrecon mock-gateway` on a free port and points the workspace at it, runs
`ordrecon run --json --quiet`, and prints:
- events/s of the file work: events in the run's summary divided by the wall time of the whole
  process minus the time the refund dispatch took (as the summary reports it);
- refunds/s of the dispatch (the default [gateway] concurrency, to the local mock answering at
  once: a real gateway answers in tens to hundreds of milliseconds; see
  scripts/benchmark-refunds.py for the curve over concurrency and a delayed gateway);
- the process's peak RSS (from wait4's rusage).
Invoice and credit note PDFs are left out of the timed run (`write_pdfs = false`: at 1M events
they would be ~180,000 files); afterwards `ordrecon invoices render --missing --limit N` writes
the oldest N of them and its documents/s, size per PDF and peak RSS are printed.
Usage: scripts/benchmark.py [--sizes 100000,1000000] [--render 2000] [--keep]
"""
import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "ordrecon")


def run_measured(args, cwd):
    start = time.monotonic()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.monotonic() - start
    # ru_maxrss of the children waited for so far; each size runs in a fresh interpreter child below.
    return proc.returncode, out.decode(), err.decode(), wall


def start_mock_gateway(workspace):
    """The mock gateway on a free port, with the workspace's [gateway] base_url pointed at it."""
    gateway = subprocess.Popen([BIN, "mock-gateway", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True,
                               env=dict(os.environ, ORDRECON_LOG_LEVEL="warning"))
    match = re.search(r"http://127\.0\.0\.1:\d+", gateway.stdout.readline())
    if not match:
        gateway.kill()
        raise SystemExit("mock-gateway did not start")
    config = os.path.join(workspace, "config", "ordrecon.toml")
    with open(config, encoding="utf-8") as handle:
        text = handle.read()
    with open(config, "w", encoding="utf-8") as handle:
        text = text.replace('base_url = "http://127.0.0.1:8099"', f'base_url = "{match.group(0)}"')
        handle.write(text.replace("write_pdfs = true", "write_pdfs = false"))
    return gateway


def measure_render(work, count):
    """Writes the PDFs of the oldest `count` documents; prints documents/s, size and peak RSS."""
    code = (
        "import resource,subprocess,sys,json;"
        "p=subprocess.run(sys.argv[1:],cwd=%r,capture_output=True);"
        "print(json.dumps({'rc':p.returncode,'rss_kb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        "'out':p.stdout.decode(),'err':p.stderr.decode()[-2000:]}))" % work
    )
    res = json.loads(subprocess.run([sys.executable, "-c", code, BIN, "invoices", "render", "--missing", "--json",
                                     "--limit", str(count)], check=True, capture_output=True).stdout)
    if res["rc"] != 0:
        print(res["err"], file=sys.stderr)
        raise SystemExit(f"ordrecon invoices render exited {res['rc']}")
    report = json.loads(res["out"])
    done = report["invoices"] + report["credit_notes"]
    seconds = float(report["seconds"])
    print(f"{'':>9} PDFs     {report['invoices']:>9} invoices  {report['credit_notes']:>6} credit notes  "
          f"in {seconds:6.2f} s  {done / seconds:>6.0f} documents/s  {report['bytes'] / max(done, 1) / 1024:6.1f} KiB each  "
          f"peak RSS {res['rss_kb'] / 1024:6.1f} MiB")


def measure_one(events, keep, cleanup, render):
    orders = max(1, round(events / 5.53))
    work = tempfile.mkdtemp(prefix=f"ordrecon-bench-{events}-")
    cleanup.append(work)
    if True:
        t0 = time.monotonic()
        subprocess.run([BIN, "generate", "--orders", str(orders), "--out", work], check=True, stdout=subprocess.DEVNULL)
        gen = time.monotonic() - t0
        gateway = start_mock_gateway(work)
        os.sync()  # the partners' files are on disk before the run starts, as in real use
        # Run ordrecon in a child whose rusage is separate, so peak RSS is ordrecon's own.
        code = (
            "import resource,subprocess,sys,time,json;"
            "t=time.monotonic();p=subprocess.run(sys.argv[1:],cwd=%r,capture_output=True);w=time.monotonic()-t;"
            "print(json.dumps({'rc':p.returncode,'wall':w,'rss_kb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
            "'out':p.stdout.decode(),'err':p.stderr.decode()[-2000:]}))" % work
        )
        try:
            res = json.loads(subprocess.run([sys.executable, "-c", code, BIN, "run", "--json", "--quiet"],
                                            check=True, capture_output=True).stdout)
        finally:
            gateway.terminate()
            gateway.wait()
        if res["rc"] not in (0, 65):
            print(res["err"], file=sys.stderr)
            raise SystemExit(f"ordrecon run exited {res['rc']}")
        summary = json.loads(res["out"])
        total = summary["total"]
        n = total["events"]
        delivery = summary["refund_delivery"]
        dispatch = float(delivery["seconds"])
        files_wall = res["wall"] - dispatch
        rate = n / files_wall
        refund_rate = delivery["sent"] / dispatch if dispatch > 0 else 0
        print(f"{n:>9} events  {total['applied']:>9} applied  {total['duplicate']:>6} duplicate  "
              f"{total['rejected']:>6} rejected  {total['files']:>4} files  "
              f"files {files_wall:7.2f} s  {rate:>9.0f} events/s  "
              f"refunds {delivery['sent']:>6} sent in {dispatch:6.2f} s ({refund_rate:>6.0f}/s)  "
              f"run {res['wall']:7.2f} s  peak RSS {res['rss_kb'] / 1024:6.1f} MiB  (generate {gen:.1f} s)")
        if render > 0:
            measure_render(work, render)
        return rate, res["rss_kb"] / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--render", type=int, default=2000, help="PDFs to write after each run (0: none)")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "ordrecon"], cwd=ROOT, check=True)
    print(f"machine: {os.cpu_count()} cores; binary: {BIN}")
    # Workspaces are removed only at the end: deleting tens of thousands of files just before
    # a run makes the file system slow to create new ones (ext4 skips recently freed inodes),
    # which would be measured as ordrecon's time.
    cleanup = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            measure_one(size, args.keep, cleanup, args.render)
    finally:
        for work in cleanup:
            if args.keep:
                print(f"kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
