#!/usr/bin/env python3
"""Keeps config/schema/feed-event.schema.json and ordrecon's parser from drifting apart.

    python3 scripts/check-schema.py path/to/ordrecon

1. Generates a workload without faults (`ordrecon generate --no-faults`) and validates every
   event of every .json / .jsonl / .ndjson file against the schema (Draft 2020-12, with
   Python's jsonschema): all must pass. Then runs `ordrecon run` on it: ordrecon must apply
   them all too (exit 0).
2. Hand-written valid events (other spellings the contract allows) must pass the schema.
3. Hand-written invalid events must fail the schema, and ordrecon must reject each of them
   with the reason code written beside it (they are dropped into a fresh workspace).

Exit status 0 when all holds, 1 otherwise; 2 when jsonschema is not installed.
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("check-schema: SKIP: python3 has no jsonschema (pip install jsonschema, or apt-get install python3-jsonschema)")
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_PATH = os.path.join(ROOT, "config", "schema", "feed-event.schema.json")

T = "2026-03-01T10:00:00+05:30"

# Valid spellings beyond what the generator writes.
VALID = [
    {"event_id": 17, "entity": "order", "order_id": 42, "status": "pending_payment", "occurred_at": "2026-03-01T10:00",
     "customer_id": 9, "items": [{"sku": "A", "quantity": "2", "unit_price": "70", "hsn": 6109, "gst_rate": "12.5"}],
     "ship_to_state": "ka", "currency": "inr", "x_partner_note": {"anything": [1, 2]}},
    {"event_id": "P-1", "entity": "ORDER", "order_id": "O1", "status": "PAID", "occurred_at": "2026-03-01T04:30:00Z",
     "amount": 1299.5, "payment_ref": "pay_1", "reason": None, "carrier": None, "items": None},
    {"event_id": "C-1", "entity": "order", "order_id": "O1", "status": "CANCELLED", "occurred_at": "2026-03-01 10:00:00.250+0530",
     "reason": "customer changed their mind"},
    {"event_id": "R-1", "entity": "return", "order_id": "O1", "return_id": 7, "status": "requested", "occurred_at": T,
     "items": [{"sku": "A", "quantity": 1}]},
    {"event_id": "R-2", "entity": "return", "order_id": "O1", "return_id": "RET-1", "status": "REJECTED", "occurred_at": T,
     "reason": "outside policy"},
    {"event_id": "S-1", "entity": "order", "order_id": "O1", "status": "SHIPPED", "occurred_at": T,
     "carrier": "Delhivery", "tracking_number": 123456789, "ship_to_state": "OR"},
    {"event_id": "B-1", "entity": "order", "order_id": "O2", "status": "PENDING_PAYMENT", "occurred_at": T,
     "customer_id": "C2", "customer_name": "Ανδρέας Παπαδόπουλος", "billing_address": "12 MG Road\r\nBengaluru 560038",
     "billing_state": "ka", "customer_gstin": "29ABCDE1234F1ZW",
     "items": [{"sku": "A", "quantity": 1, "unit_price": "70", "description": "Ирина's tea, 250 g"}]},
]

BASE = {"event_id": "E", "entity": "order", "order_id": "O1", "status": "SHIPPED", "occurred_at": T}
ITEMS = [{"sku": "A", "quantity": 1, "unit_price": "70.00"}]


def ev(**changes):
    event = dict(BASE)
    for key, value in changes.items():
        if value is ...:
            event.pop(key, None)
        else:
            event[key] = value
    return event


# Each must fail the schema; ordrecon must reject it with this code.
INVALID = [
    ("missing_field", ev(event_id=...)),
    ("missing_field", ev(order_id="")),
    ("missing_field", ev(status=None)),
    ("missing_field", ev(occurred_at=...)),
    ("invalid_value", ev(entity="parcel")),
    ("invalid_value", ev(status="SHIPPED_TWICE")),
    ("invalid_value", ev(status="REQUESTED")),  # a return status on an order
    ("invalid_value", ev(occurred_at="2026-03-01")),
    ("invalid_value", ev(occurred_at="01/03/2026 10:00")),
    ("invalid_value", ev(currency="USD")),
    ("invalid_value", ev(ship_to_state="XX")),
    ("missing_field", ev(status="PAID", amount="70.00")),
    ("missing_field", ev(status="PAID", payment_ref="pay_1")),
    ("invalid_value", ev(status="PAID", amount="70.005", payment_ref="pay_1")),
    ("invalid_value", ev(status="PAID", amount=-5, payment_ref="pay_1")),
    ("invalid_value", ev(status="PAID", amount="1,299.00", payment_ref="pay_1")),
    ("missing_field", ev(status="PENDING_PAYMENT", items=ITEMS)),
    ("missing_field", ev(status="PENDING_PAYMENT", customer_id="C1")),
    ("missing_field", ev(status="PENDING_PAYMENT", customer_id="C1", items=[])),
    ("missing_field", ev(status="PENDING_PAYMENT", customer_id="C1", items=[{"sku": "A", "quantity": 1}])),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=[{"sku": "A", "quantity": 0, "unit_price": 70}])),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=[{"sku": "A", "quantity": "two", "unit_price": 70}])),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1",
                         items=[{"sku": "A", "quantity": 1, "unit_price": 70, "gst_rate": 150}])),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=ITEMS, customer_gstin="29ABCDE1234F1Z")),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=ITEMS, customer_gstin="29abcde1234f1zw")),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=ITEMS, billing_state="XX")),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=ITEMS, customer_name="N" * 121)),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=ITEMS, customer_name="A\nB")),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1", items=ITEMS, billing_address="A" * 401)),
    ("invalid_value", ev(status="PENDING_PAYMENT", customer_id="C1",
                         items=[{"sku": "A", "quantity": 1, "unit_price": 70, "description": "d" * 201}])),
    ("missing_field", ev(status="CANCELLED")),
    ("missing_field", ev(status="CANCELLED", reason=" ")),
    ("missing_field", ev(entity="return", status="APPROVED")),
    ("missing_field", ev(entity="return", return_id="RET-1", status="REQUESTED")),
    ("missing_field", ev(entity="return", return_id="RET-1", status="REQUESTED", items=[{"sku": "A"}])),
    ("malformed", ev(event_id=True)),
    ("malformed", ev(order_id=["O1"])),
    ("malformed", ev(status="PENDING_PAYMENT", customer_id="C1", items="A x1")),
    ("malformed", ev(status="PENDING_PAYMENT", customer_id="C1", items=[{"sku": "A", "quantity": 1, "unit_price": {"inr": 70}}])),
    ("malformed", ev(carrier=12)),
]


def fail(message):
    print("check-schema: FAIL: " + message)
    sys.exit(1)


def events_of(path):
    """Yields (where, event) for every event of a .json / .jsonl / .ndjson file."""
    name = path.lower()
    with open(path, encoding="utf-8") as handle:
        if name.endswith(".json"):
            document = json.load(handle)
            events = document["events"] if isinstance(document, dict) else document
            for position, event in enumerate(events, 1):
                yield f"{path}#{position}", event
        else:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield f"{path}:{number}", json.loads(line)


def audit_codes(database, file_name):
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute(
            "SELECT reason_code FROM audit_log WHERE file_name = ? ORDER BY line", (file_name,))]


def start_mock_gateway(binary, workspace):
    """Starts `ordrecon mock-gateway` on a free port and points the workspace's config at it,
    so that the run can send the refunds it records."""
    gateway = subprocess.Popen([binary, "mock-gateway", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    line = gateway.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        gateway.kill()
        fail(f"mock-gateway did not say where it listens: {line!r}")
    config = os.path.join(workspace, "config", "ordrecon.toml")
    with open(config, encoding="utf-8") as handle:
        text = handle.read()
    default = 'base_url = "http://127.0.0.1:8099"'
    if default not in text:
        gateway.kill()
        fail(f"{config} has no default gateway base_url to replace")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(text.replace(default, f'base_url = "{match.group(0)}"'))
    return gateway


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(64)
    binary = os.path.abspath(sys.argv[1])
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    work = tempfile.mkdtemp(prefix="ordrecon-schema-check.")
    try:
        # 1. The generator's files: every event passes the schema, and ordrecon applies them all.
        ws = os.path.join(work, "generated")
        subprocess.run([binary, "generate", "--orders", "200", "--out", ws, "--no-faults"], check=True,
                       stdout=subprocess.DEVNULL)
        count, files, failures = 0, 0, []
        for directory, _, names in sorted(os.walk(os.path.join(ws, "inbox"))):
            for name in sorted(names):
                if not name.lower().endswith((".json", ".jsonl", ".ndjson")):
                    continue
                files += 1
                for where, event in events_of(os.path.join(directory, name)):
                    count += 1
                    for error in validator.iter_errors(event):
                        failures.append(f"{where}: {error.json_path}: {error.message}")
        if files == 0 or count == 0:
            fail("the generator wrote no JSON files")
        if failures:
            fail(f"{len(failures)} generated event(s) fail the schema:\n  " + "\n  ".join(failures[:20]))
        gateway = start_mock_gateway(binary, ws)
        try:
            run = subprocess.run([binary, "run", "--quiet"], cwd=ws, capture_output=True, text=True)
        finally:
            gateway.terminate()
            gateway.wait()
        if run.returncode != 0:
            fail(f"ordrecon run on the generated workload exited {run.returncode}:\n{run.stdout}\n{run.stderr}")
        print(f"check-schema: {count} generated events in {files} JSON / JSON Lines files pass the schema and are applied by ordrecon")

        # 2. Other valid spellings.
        for number, event in enumerate(VALID, 1):
            errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(event)]
            if errors:
                fail(f"valid event {number} fails the schema: {errors}: {json.dumps(event)}")
        print(f"check-schema: {len(VALID)} hand-written valid events pass")

        # 3. Invalid events: the schema refuses each, and ordrecon rejects each with the expected code.
        for number, (code, event) in enumerate(INVALID, 1):
            if validator.is_valid(event):
                fail(f"invalid event {number} ({code}) passes the schema: {json.dumps(event)}")
        ws = os.path.join(work, "invalid")
        os.makedirs(os.path.join(ws, "config"))
        shutil.copy(os.path.join(ROOT, "config", "ordrecon.toml"), os.path.join(ws, "config", "ordrecon.toml"))
        inbox = os.path.join(ws, "inbox", "storefront")
        os.makedirs(inbox)
        with open(os.path.join(inbox, "invalid.jsonl"), "w", encoding="utf-8") as handle:
            for number, (_, event) in enumerate(INVALID, 1):
                event = dict(event)
                if "event_id" in event and event["event_id"] == "E":
                    event["event_id"] = f"E{number}"
                handle.write(json.dumps(event) + "\n")
        run = subprocess.run([binary, "run", "--quiet"], cwd=ws, capture_output=True, text=True)
        if run.returncode != 65:
            fail(f"ordrecon run on the invalid events exited {run.returncode} (expected 65):\n{run.stderr}")
        codes = audit_codes(os.path.join(ws, "var", "ordrecon.sqlite"), "invalid.jsonl")
        expected = [code for code, _ in INVALID]
        if codes != expected:
            diffs = [f"line {i}: ordrecon {got}, expected {want}: {json.dumps(INVALID[i - 1][1])}"
                     for i, (got, want) in enumerate(zip(codes, expected), 1) if got != want]
            fail(f"ordrecon's codes differ ({len(codes)} audit rows for {len(expected)} events):\n  " + "\n  ".join(diffs))
        print(f"check-schema: {len(INVALID)} hand-written invalid events fail the schema and ordrecon rejects each with the expected code")
        print("check-schema: OK")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
