#!/usr/bin/env python3
"""End-to-end benchmark of `ordrecon run`, against two references measured on the same files.

For each workload (--workloads) and size (--sizes, in events), it generates the files once with
`ordrecon generate` and then measures, one after the other, on those very files:

1. the `.import` floor: the sqlite3 shell importing every CSV file of the workload into a fresh
   database, default journal, one sqlite3 process: each file with `.import --csv --skip 1` into a
   table of its own (the files' columns differ in number and order), the tables made beforehand
   in one transaction. Its rate is physical CSV lines per
   second of wall time. For a workload with JSON and JSON Lines files too, the floor covers the
   CSV files only (the output says so).
2. the plain-Python baseline, scripts/baseline.py: the same ingest rules in plain Python
   (csv, json, sqlite3), reading the inbox in place, into its own database.
3. ordrecon: `ordrecon run --json --quiet` with `[invoicing] write_pdfs = false` and refunds sent to
   `ordrecon mock-gateway` on a free port. Its ingest time is the wall time minus the refund
   dispatch seconds its summary reports.

The outcome counts of the baseline and of ordrecon must equal the generator's expected.json (per
reason code, whole-file rejections included; for the baseline also the final order and return
statuses, refunds and invoices): the benchmark stops with exit status 1 when one differs.

Each row: events, physical input lines, input MB, wall seconds, events/s, lines/s, the ratio to
the `.import` floor (lines/s over lines/s) and to the baseline (events/s over events/s), and of
that very process (wait4's rusage): peak RSS, user and system CPU seconds; the bytes it caused to
be written to storage (`write_bytes` of /proc/<pid>/io, read after it exited and before it was
reaped) per event, and the size of its database (with WAL) per event. For ordrecon and the
baseline, the events/s of each feed (events of the feed's files over the time spent in them).

Workloads: `waves` is the generator's default (waves of 5,000 orders, a few percent of faulty
events; CSV, JSON and JSON Lines); `spread` is `--lifecycle spread --formats csv --no-faults` (the
main comparison with the floor), `spread-mixed` and `waves-csv` the other two combinations.
Workloads whose generator options the generating binary lacks are skipped with a message;
`--generator PATH` generates with another binary than the one measured (e.g. a newer one, to
measure an older build on the new workloads). `--one-big-file` adds a workload of one large CSV
file per feed (`--file-events` and `--window-hours` huge), sized so that the largest is about
`--big-file-mb` MB, measured by the floor and ordrecon only, to show that peak RSS stays flat.

4. ordrecon on PostgreSQL (unless --no-postgres, or PostgreSQL is not installed): the same `run` on
   a copy of the same files, `[store] url` naming a fresh database in a throw-away cluster,
   durable (fsync, full-page writes, synchronous commit) and sized as a database server is
   (scripts/benchmark_postgres.py says how); its row says its events/s as a
   ratio to ordrecon on SQLite in the same benchmark run. At the end, the takeover time: two
   `watch` nodes on one database, the leader killed with SIGKILL five times, the seconds until
   the standby holds the ingest lock.

Usage: scripts/benchmark.py [--sizes 100000,1000000] [--workloads waves,spread] [--binary PATH]
       [--generator PATH] [--no-build] [--no-baseline] [--render N] [--one-big-file [--big-file-mb 1024]]
       [--json-out FILE] [--keep] [--no-postgres]
"""
import argparse
import csv
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import benchmark_postgres

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BINARY = os.path.join(ROOT, ".build", "release", "ordrecon")
BASELINE = os.path.join(ROOT, "scripts", "baseline.py")
EVENTS_PER_ORDER = 5.53  # what the generator writes per order, about

# name: (generator options, what it is). The spread lifecycle writes valid events only (--no-faults).
WORKLOADS = {
    "waves": ([], "waves of 5,000 orders, 2-3 % faulty events; CSV, JSON and JSON Lines (the generator's default)"),
    "spread": (["--lifecycle", "spread", "--formats", "csv", "--no-faults"],
               "lifecycles spread over time, tens of thousands of orders open at once; CSV only"),
    "spread-mixed": (["--lifecycle", "spread", "--formats", "mixed", "--no-faults"],
                     "lifecycles spread over time; CSV, JSON and JSON Lines"),
    "waves-csv": (["--lifecycle", "waves", "--formats", "csv"], "waves of 5,000 orders, 2-3 % faulty events; CSV only"),
}


class Measured:
    """One process, measured: exit status, wall time, its own rusage and I/O counters."""

    def __init__(self, returncode, wall, usage, io, out, err):
        self.returncode = returncode
        self.wall = wall
        self.peak_rss_mib = usage.ru_maxrss / 1024  # kilobytes on Linux
        self.user = usage.ru_utime
        self.system = usage.ru_stime
        self.io = io
        self.out = out
        self.err = err


def measure(args, cwd, stdin=None, env=None):
    """Runs `args` and measures that process alone.

    os.waitid(..., WEXITED | WNOWAIT) waits for the exit without reaping, so /proc/<pid>/io still
    holds the exited process's counters (its threads' included); os.wait4 then reaps it and gives
    its own rusage (not RUSAGE_CHILDREN, which adds up every child waited for so far).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(args, cwd=cwd, stdin=stdin or subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        wall = time.monotonic() - start
        io = read_proc_io(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(proc.returncode, wall, usage, io, out.read().decode(errors="replace"),
                        err.read().decode(errors="replace"))


def read_proc_io(pid):
    try:
        with open(f"/proc/{pid}/io", encoding="ascii") as handle:
            return {key: int(value) for key, value in (line.split(": ") for line in handle.read().splitlines())}
    except OSError:
        return {}


def check_io_accounting():
    """Whether /proc/<pid>/io of an exited, unreaped child gives its writes (a 4 MiB dd)."""
    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "probe")
        m = measure(["dd", "if=/dev/zero", f"of={target}", "bs=1M", "count=4", "conv=fsync"], folder)
        return m.returncode == 0 and m.io.get("write_bytes", 0) >= 4 << 20


def written(m):
    """Bytes the process caused to be written to storage, less what it truncated before writeback."""
    if "write_bytes" not in m.io:
        return None
    return m.io["write_bytes"] - m.io.get("cancelled_write_bytes", 0)


# ------------------------------------------------------------------------------------------------
# Workloads


def generator_options(binary):
    text = subprocess.run([binary, "generate", "--help"], capture_output=True, text=True).stdout
    return set(re.findall(r"--[a-z][a-z-]+", text))


def generate(binary, work, orders, seed, extra):
    started = time.monotonic()
    subprocess.run([binary, "generate", "--orders", str(orders), "--out", work, "--seed", str(seed)] + extra,
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    with open(os.path.join(work, "expected.json"), encoding="utf-8") as handle:
        return json.load(handle), seconds


def inbox_files(work):
    """(feed, path, format) of every file of the inbox."""
    found = []
    inbox = os.path.join(work, "inbox")
    for feed in sorted(os.listdir(inbox)):
        for name in sorted(os.listdir(os.path.join(inbox, feed))):
            path = os.path.join(inbox, feed, name)
            found.append((feed, path, name.rsplit(".", 1)[-1].lower()))
    return found


def physical_lines(path):
    """Lines of a file as a text editor counts them (a last line without a line feed counts)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def describe_input(work):
    files = inbox_files(work)
    info = {"files": len(files), "bytes": 0, "lines": 0, "csv_files": [], "csv_bytes": 0, "csv_lines": 0,
            "largest_file_bytes": 0}
    for _, path, fmt in files:
        size = os.path.getsize(path)
        lines = physical_lines(path)
        info["bytes"] += size
        info["lines"] += lines
        info["largest_file_bytes"] = max(info["largest_file_bytes"], size)
        if fmt == "csv":
            info["csv_files"].append(path)
            info["csv_bytes"] += size
            info["csv_lines"] += lines
    info["csv_only"] = len(info["csv_files"]) == len(files)
    return info


def configure(work, base_url):
    """write_pdfs = false and the gateway at `base_url`."""
    config = os.path.join(work, "config", "ordrecon.toml")
    with open(config, encoding="utf-8") as handle:
        text = handle.read()
    text = text.replace('base_url = "http://127.0.0.1:8099"', f'base_url = "{base_url}"')
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(text.replace("write_pdfs = true", "write_pdfs = false"))


def start_mock_gateway(binary):
    gateway = subprocess.Popen([binary, "mock-gateway", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True,
                               env=dict(os.environ, ORDRECON_LOG_LEVEL="warning"))
    match = re.search(r"http://127\.0\.0\.1:\d+", gateway.stdout.readline())
    if not match:
        gateway.kill()
        gateway.wait()
        raise SystemExit("benchmark: mock-gateway did not start")
    return gateway, match.group(0)


def file_size(*paths):
    return sum(os.path.getsize(path) for path in paths if os.path.exists(path))


# ------------------------------------------------------------------------------------------------
# The three measurements


def measure_floor(work, info):
    folder = os.path.join(work, "floor")
    os.makedirs(folder)
    database = os.path.join(folder, "import.sqlite")
    script = os.path.join(folder, "import.sql")
    # Every file's table is made up front in one transaction, from its header (the columns differ
    # from file to file); then each .import is one transaction that only inserts rows.
    with open(script, "w", encoding="utf-8") as handle:
        handle.write("BEGIN;\n")
        for n, path in enumerate(info["csv_files"], start=1):
            with open(path, encoding="utf-8-sig", newline="") as csv_file:
                width = len(next(csv.reader(csv_file), []))
            handle.write(f"CREATE TABLE file{n} ({', '.join(f'c{k}' for k in range(1, width + 1))});\n")
        handle.write("COMMIT;\n")
        for n, path in enumerate(info["csv_files"], start=1):
            handle.write(f".import --csv --skip 1 '{path}' file{n}\n")
    with open(script, encoding="utf-8") as commands:
        m = measure(["sqlite3", database], folder, stdin=commands)
    if m.returncode != 0:
        print(m.err[-2000:], file=sys.stderr)
        raise SystemExit(f"benchmark: sqlite3 .import exited {m.returncode}")
    row = row_of("sqlite3 .import", m, m.wall, None, info["csv_lines"], info["csv_bytes"])
    row["db_bytes"] = file_size(database, database + "-journal")
    row["warnings"] = len(m.err.splitlines())  # malformed rows the generator wrote on purpose
    row["scope"] = "CSV files" if info["csv_only"] else "CSV files only"
    return row


def measure_baseline(work, info, expected):
    folder = os.path.join(work, "baseline")
    os.makedirs(folder)
    database = os.path.join(folder, "baseline.sqlite")
    m = measure([sys.executable, BASELINE, work, "--db", database], work)
    if m.returncode != 0:
        print(m.err[-3000:], file=sys.stderr)
        raise SystemExit(f"benchmark: scripts/baseline.py exited {m.returncode}")
    summary = json.loads(m.out)
    check_counts("scripts/baseline.py", expected, summary["events"], summary["applied"], summary["duplicate"],
                 summary["rejected_by_code"], summary)
    row = row_of("python baseline", m, m.wall, summary["events"], info["lines"], info["bytes"])
    row["db_bytes"] = file_size(database, database + "-wal")
    row["per_feed"] = {feed: {"events": s["events"], "seconds": round(s["seconds"], 3)}
                       for feed, s in summary["per_feed"].items()}
    return row


def measure_ordrecon(binary, work, info, expected, postgres=None):
    """`ordrecon run` in `work`; on PostgreSQL when `postgres` is (cluster, database, url)."""
    gateway, url = start_mock_gateway(binary)
    configure(work, url)
    if postgres:
        benchmark_postgres.use_store(work, postgres[2])
    try:
        m = measure([binary, "run", "--json", "--quiet"], work)
    finally:
        gateway.terminate()
        gateway.wait()
    if m.returncode not in (0, 65):
        print(m.err[-3000:], file=sys.stderr)
        raise SystemExit(f"benchmark: ordrecon run exited {m.returncode}")
    summary = json.loads(m.out)
    total = summary["total"]
    check_counts("ordrecon run", expected, total["events"], total["applied"], total["duplicate"],
                 total["rejected_by_code"], None)
    delivery = summary["refund_delivery"] or {"seconds": "0", "sent": 0}
    dispatch = float(delivery["seconds"])
    row = row_of("ordrecon (PG)" if postgres else "ordrecon", m, m.wall - dispatch, total["events"], info["lines"],
                 info["bytes"])
    if postgres:
        row["db_bytes"] = benchmark_postgres.database_bytes(postgres[0], postgres[1])
    else:
        database = os.path.join(work, "var", "ordrecon.sqlite")
        row["db_bytes"] = file_size(database, database + "-wal")
    row["dispatch_s"] = round(dispatch, 3)
    row["refunds_sent"] = delivery["sent"]
    per_feed = {}
    for f in summary["files"]:
        stats = per_feed.setdefault(f["feed"], {"events": 0, "seconds": 0.0})
        stats["events"] += f["events"]
        stats["seconds"] += float(f["seconds"])
    row["per_feed"] = {feed: {"events": s["events"], "seconds": round(s["seconds"], 3)} for feed, s in per_feed.items()}
    row["run_seconds"] = float(total["seconds"])
    return row


def row_of(tool, m, seconds, events, lines, size):
    write = written(m)
    return {
        "tool": tool, "events": events, "input_lines": lines, "input_mb": round(size / 1e6, 1),
        "wall_s": round(m.wall, 3), "seconds": round(seconds, 3),
        "events_per_s": round(events / seconds) if events else None, "lines_per_s": round(lines / seconds),
        "peak_rss_mib": round(m.peak_rss_mib, 1), "user_s": round(m.user, 2), "sys_s": round(m.system, 2),
        "write_bytes": write, "write_bytes_per_event": round(write / events) if events and write is not None else None,
        "io": m.io, "exit_status": m.returncode,
    }


def check_counts(who, expected, events, applied, duplicate, by_code, full):
    """Stops the benchmark when `who` did not reach the generator's expected outcome counts."""
    differences = []
    for name, got, want in (("events", events, expected["events"]), ("applied", applied, expected["applied"]),
                            ("duplicate", duplicate, expected["duplicate"])):
        if got != want:
            differences.append(f"{name}: {got}, expected {want}")
    for code in sorted(set(expected["rejectedByCode"]) | set(by_code)):
        got, want = by_code.get(code, 0), expected["rejectedByCode"].get(code, 0)
        if got != want:
            differences.append(f"rejected {code}: {got}, expected {want}")
    if full is not None:
        if full["bad_files"] != expected["badFiles"]:
            differences.append(f"files refused: {full['bad_files']}, expected {expected['badFiles']}")
        for key, ours in (("ordersByStatus", "orders_by_status"), ("returnsByStatus", "returns_by_status")):
            want = {k: v for k, v in expected[key].items() if v}
            if full[ours] != want:
                differences.append(f"{key}: {full[ours]}, expected {want}")
        for key, ours in (("refunds", "refunds"), ("refundPaiseTotal", "refund_paise_total"), ("invoices", "invoices")):
            if full[ours] != expected[key]:
                differences.append(f"{key}: {full[ours]}, expected {expected[key]}")
    if differences:
        print(f"\nbenchmark: FAILED: {who} differs from expected.json:", file=sys.stderr)
        for line in differences:
            print(f"  {line}", file=sys.stderr)
        raise SystemExit(1)


def measure_render(binary, work, count):
    """Writes the PDFs of the oldest `count` documents; documents/s, size and peak RSS."""
    m = measure([binary, "invoices", "render", "--missing", "--json", "--limit", str(count)], work)
    if m.returncode != 0:
        print(m.err[-2000:], file=sys.stderr)
        raise SystemExit(f"benchmark: ordrecon invoices render exited {m.returncode}")
    report = json.loads(m.out)
    done = report["invoices"] + report["credit_notes"]
    seconds = float(report["seconds"])
    print(f"    PDFs: {report['invoices']} invoices, {report['credit_notes']} credit notes in {seconds:.2f} s, "
          f"{done / seconds:.0f} documents/s, {report['bytes'] / max(done, 1) / 1024:.1f} KiB each, "
          f"peak RSS {m.peak_rss_mib:.1f} MiB")
    return {"documents": done, "seconds": seconds, "documents_per_s": round(done / seconds, 1),
            "kib_each": round(report["bytes"] / max(done, 1) / 1024, 1), "peak_rss_mib": round(m.peak_rss_mib, 1)}


# ------------------------------------------------------------------------------------------------
# Output

COLUMNS = ("tool", "events", "lines", "MB", "wall s", "events/s", "lines/s", "x import", "x python",
           "RSS MiB", "user s", "sys s", "wr B/ev", "db B/ev")
WIDTHS = (16, 9, 9, 7, 8, 9, 9, 8, 8, 8, 7, 6, 8, 8)


def print_header():
    print("  " + " ".join(f"{c:>{w}}" if i else f"{c:<{w}}" for i, (c, w) in enumerate(zip(COLUMNS, WIDTHS))))


def print_row(row):
    def number(value, digits=0):
        return "-" if value is None else f"{value:,.{digits}f}"

    cells = (row["tool"], number(row["events"]), number(row["input_lines"]), number(row["input_mb"], 1),
             number(row["seconds"], 2), number(row["events_per_s"]), number(row["lines_per_s"]),
             number(row.get("ratio_import"), 2), number(row.get("ratio_python"), 1), number(row["peak_rss_mib"], 1),
             number(row["user_s"], 2), number(row["sys_s"], 2), number(row["write_bytes_per_event"]),
             number(row["db_bytes"] / row["events"] if row["events"] else None))
    print("  " + " ".join(f"{c:>{w}}" if i else f"{c:<{w}}" for i, (c, w) in enumerate(zip(cells, WIDTHS))))
    if row.get("per_feed"):
        parts = [f"{feed} {s['events'] / s['seconds']:,.0f}" for feed, s in sorted(row["per_feed"].items())
                 if s["seconds"] > 0 and s["events"]]
        print(f"  {'':16} per feed, events/s: " + ", ".join(parts))


def add_ratios(rows):
    floor = next((r for r in rows if r["tool"] == "sqlite3 .import"), None)
    python = next((r for r in rows if r["tool"] == "python baseline"), None)
    for row in rows:
        if floor and row is not floor:
            row["ratio_import"] = round(row["lines_per_s"] / floor["lines_per_s"], 3)
        if python and row is not python and row["events_per_s"]:
            row["ratio_python"] = round(row["events_per_s"] / python["events_per_s"], 2)


# ------------------------------------------------------------------------------------------------


def run_case(args, binary, name, extra, events, seed, cleanup, results, big=False):
    orders = max(1, round(events / EVENTS_PER_ORDER))
    work = tempfile.mkdtemp(prefix=f"ordrecon-bench-{name}-{events}-", dir=args.workdir)
    cleanup.append(work)
    expected, gen_seconds = generate(args.generator, work, orders, seed, extra)
    info = describe_input(work)
    os.sync()  # the partners' files are on disk before anything is measured, as in real use
    formats = "CSV only" if info["csv_only"] else "mixed formats"
    print(f"\n{name}, {expected['events']:,} events ({orders:,} orders, seed {seed}): {info['files']} files, "
          f"{formats}, {info['bytes'] / 1e6:,.1f} MB, largest file {info['largest_file_bytes'] / 1e6:,.1f} MB "
          f"(generated in {gen_seconds:.1f} s)")
    if not info["csv_only"]:
        print(f"  the .import floor reads the CSV files only ({len(info['csv_files'])} files, "
              f"{info['csv_lines']:,} lines); the ratio to it compares line rates over different files")
    print_header()
    rows = []
    if info["csv_files"]:
        rows.append(measure_floor(work, info))
        print_row(rows[-1])
    if args.baseline and not big:
        rows.append(measure_baseline(work, info, expected))
        add_ratios(rows)
        print_row(rows[-1])
    elif big:
        print(f"  {'python baseline':16} skipped for the big file (it would take long; see the other rows)")
    pg_work = None
    if args.cluster:
        pg_work = benchmark_postgres.copy_workspace(work)
        cleanup.append(pg_work)
    rows.append(measure_ordrecon(binary, work, info, expected))
    add_ratios(rows)
    print_row(rows[-1])
    if rows[-1]["dispatch_s"]:
        print(f"  {'':16} refund dispatch (not in the ingest time): {rows[-1]['refunds_sent']:,} sent in "
              f"{rows[-1]['dispatch_s']:.2f} s")
    if pg_work:
        database, url = args.cluster.new_database()
        sqlite_row = rows[-1]
        rows.append(measure_ordrecon(binary, pg_work, info, expected, (args.cluster, database, url)))
        add_ratios(rows)
        rows[-1]["ratio_sqlite"] = round(rows[-1]["events_per_s"] / sqlite_row["events_per_s"], 3)
        print_row(rows[-1])
        print(f"  {'':16} PostgreSQL ingest is {rows[-1]['ratio_sqlite']:.2f}x ordrecon's on SQLite in this run "
              f"(refund dispatch: {rows[-1]['refunds_sent']:,} sent in {rows[-1]['dispatch_s']:.2f} s)")
    render = measure_render(binary, work, args.render) if args.render > 0 and not big else None
    results.append({
        "workload": name, "requested_events": events, "orders": orders, "seed": seed,
        "events": expected["events"], "files": info["files"], "input_bytes": info["bytes"],
        "input_lines": info["lines"], "csv_files": len(info["csv_files"]), "csv_lines": info["csv_lines"],
        "largest_file_bytes": info["largest_file_bytes"], "csv_only": info["csv_only"],
        "generate_seconds": round(gen_seconds, 2), "rows": rows, "render": render,
    })
    return results[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="events per workload, comma separated")
    parser.add_argument("--workloads", default="waves,spread", help=", ".join(WORKLOADS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-faults", action="store_true", help="generate without injected rejections")
    parser.add_argument("--binary", help=f"the ordrecon to measure (default {os.path.relpath(DEFAULT_BINARY, ROOT)},"
                                         " built first unless --no-build)")
    parser.add_argument("--generator", help="the ordrecon that writes the workloads (default: the one measured)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip the Python baseline")
    parser.add_argument("--render", type=int, default=0, help="PDFs to write after each run (0: none)")
    parser.add_argument("--one-big-file", action="store_true", help="also a workload of one CSV file per feed, the largest about --big-file-mb MB")
    parser.add_argument("--big-file-mb", type=int, default=1024)
    parser.add_argument("--json-out", help="write every number measured to this JSON file")
    parser.add_argument("--workdir", help="where the workspaces go (default: the system's temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the workspaces")
    parser.add_argument("--no-postgres", dest="postgres", action="store_false",
                        help="skip ordrecon on PostgreSQL and the takeover measurement")
    args = parser.parse_args()

    binary = os.path.abspath(args.binary) if args.binary else DEFAULT_BINARY
    if not args.binary and not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "ordrecon"], cwd=ROOT, check=True)
    args.generator = os.path.abspath(args.generator) if args.generator else binary
    for path in {binary, args.generator}:
        if not os.access(path, os.X_OK):
            raise SystemExit(f"benchmark: no ordrecon at {path} (build it, or give --binary)")
    if not shutil.which("sqlite3"):
        raise SystemExit("benchmark: the sqlite3 shell is missing (scripts/install-deps.sh installs it)")
    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    for name in names:
        if name not in WORKLOADS:
            raise SystemExit(f"benchmark: unknown workload {name} (known: {', '.join(WORKLOADS)})")
    sizes = [int(s) for s in args.sizes.split(",")]

    options = generator_options(args.generator)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    io_ok = check_io_accounting()
    print(f"machine: {os.cpu_count()} cores, Linux {platform.release()}; sqlite3 {sqlite_version}; "
          f"Python {platform.python_version()}")
    print(f"binary: {binary} ({version})")
    if args.generator != binary:
        print(f"workloads written by: {args.generator}")
    if not io_ok:
        print("note: /proc/<pid>/io gives no write_bytes here (no task I/O accounting): bytes written are not shown")
    print("ordrecon's seconds are its ingest time (wall minus refund dispatch); user/sys CPU and bytes written"
          " are the whole process's")

    args.cluster = None
    if args.postgres:
        if benchmark_postgres.available():
            args.cluster = benchmark_postgres.Cluster(args.workdir)
            print(f"PostgreSQL: a throw-away cluster on 127.0.0.1:{args.cluster.port} (durable; {benchmark_postgres.SERVER_OPTIONS})")
        else:
            print("note: PostgreSQL is not installed: its rows and the takeover time are not measured")

    results = []
    cleanup = []
    takeover = None
    started = time.monotonic()
    try:
        for name in names:
            extra, about = WORKLOADS[name]
            missing = [option for option in extra if option.startswith("--") and option not in options]
            if missing:
                print(f"\n{name} ({about}): skipped, `ordrecon generate` of {args.generator} has no "
                      f"{', '.join(missing)}")
                continue
            if args.no_faults and "--no-faults" not in extra:
                extra = extra + ["--no-faults"]
            for events in sizes:
                run_case(args, binary, name, extra, events, args.seed, cleanup, results)
        if args.one_big_file:
            needed = ["--file-events", "--formats", "--lifecycle", "--window-hours"]
            missing = [option for option in needed if option not in options]
            if missing:
                print(f"\none big file: skipped, `ordrecon generate` of {args.generator} has no {', '.join(missing)}")
            else:
                # One file per feed: no split by events, one window for the whole timeline.
                extra = ["--lifecycle", "spread", "--formats", "csv", "--no-faults", "--file-events", str(10 ** 9),
                         "--window-hours", str(10 ** 6)]
                events = big_file_events(args.generator, extra, args)
                run_case(args, binary, "big-files", extra, events, args.seed, cleanup, results, big=True)
        print_scaling(results)
        if args.cluster:
            takeover = benchmark_postgres.measure_takeover(binary, args.cluster)
            print(f"\ntakeover: a standby watch held the ingest lock {max(takeover):.2f} s at most after the leader's "
                  f"SIGKILL (rounds: {', '.join(f'{t:.2f}' for t in takeover)} s)")
    finally:
        for work in cleanup:
            if args.keep:
                print(f"kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    if args.json_out:
        document = {
            "machine": {"cores": os.cpu_count(), "kernel": platform.release(), "sqlite3": sqlite_version,
                        "python": platform.python_version()},
            "binary": binary, "version": version, "write_bytes_measured": io_ok,
            "seconds": round(time.monotonic() - started, 1), "workloads": results,
            "takeover_seconds": takeover,
        }
        with open(args.json_out, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1)
            handle.write("\n")
        print(f"numbers written to {args.json_out}")


def big_file_events(generator, extra, args):
    """Events for a workload whose largest file is about --big-file-mb MB, from a small sample."""
    with tempfile.TemporaryDirectory(dir=args.workdir) as sample:
        expected, _ = generate(generator, sample, 5000, args.seed, extra)
        info = describe_input(sample)
    return max(1, round(args.big_file_mb * 1e6 / (info["largest_file_bytes"] / expected["events"])))


def print_scaling(results):
    """ordrecon's events/s at the largest size over the smallest, per workload."""
    by_workload = {}
    for result in results:
        row = next(r for r in result["rows"] if r["tool"] == "ordrecon")
        by_workload.setdefault(result["workload"], []).append((result["events"], row["events_per_s"]))
    lines = []
    for name, points in by_workload.items():
        if len(points) > 1:
            points.sort()
            (small, small_rate), (large, large_rate) = points[0], points[-1]
            lines.append(f"  {name}: {large_rate:,} events/s at {large:,} events is {large_rate / small_rate:.2f}x "
                         f"the {small_rate:,} at {small:,}")
    if lines:
        print("\nordrecon, largest size against smallest:")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
