#!/usr/bin/env python3
"""What writing the audit log alone costs in SQLite, with and without its indexes.

A lower bound for `ordrecon run`'s ingest: every event becomes one `audit_events` row, and
this script inserts rows like those straight from SQL, in one transaction, with the pragmas
ordrecon uses (8 KiB pages, WAL, synchronous NORMAL, 32 MiB page cache) and no parsing,
judging, binding, state lookups or other tables. It measures two databases made the same way:

1. `audit_events` with the indexes the current schema gives it (read from a database that
   `ordrecon run` just created, so this follows the schema as it changes);
2. the same table without any index.

Rows look like the spread-out workload's: event ids rising per feed, one file id per ~950
events, order ids drawn from the ~56,000 most recent orders (the orders open at once at 1M
events), a return id on one row in six, the recording time rising.

Printed per row: the CPU time (user + system) of the sqlite3 process, in microseconds. Compare
it with the time per event the ingest target allows; e.g. 0.5x a `.import` floor of 389,000
lines/s (1.15 lines per event) leaves 5.9 us per event for everything.

Usage: scripts/audit-floor.py [--rows 978005] [--binary .build/release/ordrecon]
"""
import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PRAGMAS = "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;\n"

INSERT = """
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
INSERT INTO audit_events (run_id, file_id, feed, line, event_id, entity, order_id, return_id, status,
                          occurred_at, outcome, content_hash, recorded_at)
SELECT 1, i / 950,
       CASE i % 5 WHEN 0 THEN 'storefront' WHEN 1 THEN 'payments' WHEN 2 THEN 'warehouse'
                  WHEN 3 THEN 'carrier' ELSE 'returns-desk' END,
       i % 1000 + 2, 'EV-' || printf('%09d', i), 'order',
       'ORD-' || printf('%07d', max(1, i / 5.4 - abs(random()) % 56000)),
       CASE WHEN i % 6 = 0 THEN 'RET-' || printf('%07d', i / 30) END,
       'PAID', 1700000000000 + i * 1000, 'applied', random(), 1700000000000 + i
FROM n;
COMMIT;
"""


def audit_schema(binary, work):
    """The CREATE statements of audit_events and its indexes, from a database ordrecon made."""
    workspace = os.path.join(work, "workspace")
    os.makedirs(workspace)
    subprocess.run([binary, "init"], cwd=workspace, check=True, capture_output=True)
    subprocess.run([binary, "run", "--quiet"], cwd=workspace, capture_output=True)
    database = os.path.join(workspace, "var", "ordrecon.sqlite")
    if not os.path.exists(database):
        raise SystemExit(f"audit-floor: `ordrecon run` made no database at {database}")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'audit_events' AND sql IS NOT NULL "
            "AND type IN ('table', 'index') ORDER BY type = 'index', name").fetchall()
    table = next((sql for kind, sql in rows if kind == "table"), None)
    indexes = [sql for kind, sql in rows if kind == "index"]
    if table is None:
        raise SystemExit("audit-floor: no audit_events table in the database ordrecon made")
    table = table.replace("REFERENCES files (id)", "")
    return table, indexes


def measure(sql, database):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["sqlite3", database], input=sql, text=True, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=978_005)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "ordrecon"))
    args = parser.parse_args()
    if not shutil.which("sqlite3"):
        raise SystemExit("audit-floor: the sqlite3 shell is missing (scripts/install-deps.sh installs it)")
    work = tempfile.mkdtemp(prefix="ordrecon-audit-floor-")
    try:
        table, indexes = audit_schema(os.path.abspath(args.binary), work)
        insert = INSERT.format(rows=args.rows)
        cases = [("with its %d indexes" % len(indexes), table + ";\n" + ";\n".join(indexes) + ";\n"),
                 ("without indexes", table + ";\n")]
        names = [sql.split()[2] if sql.split()[1] == "INDEX" else sql.split()[3] for sql in indexes]
        print(f"audit_events rows inserted in one transaction: {args.rows:,}; its indexes: {', '.join(names)}")
        for name, schema in cases:
            database = os.path.join(work, name.replace(" ", "-") + ".sqlite")
            seconds = measure(PRAGMAS + schema + insert, database)
            size = os.path.getsize(database)
            print(f"  {name:<22} {seconds:7.2f} s CPU  {seconds / args.rows * 1e6:6.2f} us per row  "
                  f"{size / args.rows:6.0f} B per row")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
