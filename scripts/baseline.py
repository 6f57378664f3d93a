#!/usr/bin/env python3
"""A plain-Python reference processor for the benchmark: the feed contract's ingest rules, written
the straightforward way (standard library only: csv, json, sqlite3, tomllib, zoneinfo).

It reads a workspace's inbox/<feed>/ files in the contract's order (modification time, then feed,
then file name) without moving or changing them, judges every event with the reason codes in the
contract's order, keeps order and return state in SQLite, and records one audit row per event
(and per file refused as a whole), the applied history, invoices, credit notes and refunds (as
rows: nothing is sent), committing every 1,000 events. It writes no PDFs, no rejection files and
no outbox files. It prints a JSON summary of the outcome counts on standard output.

What it does not do that ordrecon does: resume a file cut short, leases and settling of files
still being written, rejection files, reports, metrics. Where it is known to differ from ordrecon
on input the generator never writes: a quote inside an unquoted CSV field is taken as text (Python's
csv module accepts it; ordrecon refuses the row as malformed), and CSV events and JSON objects over
1 MiB are not refused (only JSON Lines lines are).

Usage: scripts/baseline.py WORKSPACE [--db PATH] [--batch 1000]
"""
import argparse
import codecs
import csv
import datetime
import json
import os
import re
import sqlite3
import stat
import sys
import time
import tomllib
import zoneinfo

DEFAULT_FEEDS = {
    "storefront": ["order:PENDING_PAYMENT", "order:CANCELLED", "return:REQUESTED"],
    "payments": ["order:PAID"],
    "warehouse": ["order:PROCESSING_IN_WAREHOUSE", "order:SHIPPED", "return:RECEIVED"],
    "carrier": ["order:DELIVERED", "return:IN_TRANSIT"],
    "returns-desk": ["return:APPROVED", "return:REJECTED", "return:COMPLETED"],
}

ORDER_NEXT = {
    "PENDING_PAYMENT": ["PAID", "CANCELLED"],
    "PAID": ["PROCESSING_IN_WAREHOUSE", "CANCELLED"],
    "PROCESSING_IN_WAREHOUSE": ["SHIPPED"],
    "SHIPPED": ["DELIVERED"],
    "DELIVERED": [],
    "CANCELLED": [],
}
RETURN_NEXT = {
    "REQUESTED": ["APPROVED", "REJECTED"],
    "APPROVED": ["IN_TRANSIT"],
    "IN_TRANSIT": ["RECEIVED"],
    "RECEIVED": ["COMPLETED"],
    "COMPLETED": [],
    "REJECTED": [],
}

EVENT_FIELDS = ["event_id", "entity", "order_id", "return_id", "status", "occurred_at", "actor", "reason",
                "customer_id", "ship_to_state", "currency", "amount", "payment_ref", "carrier", "tracking_number"]
ITEM_FIELDS = ["sku", "quantity", "unit_price", "hsn", "gst_rate"]
REQUIRED = ["event_id", "entity", "order_id", "status", "occurred_at"]
ID_FIELDS = {"event_id", "order_id", "return_id", "customer_id", "payment_ref", "tracking_number"}
NUMBER_FIELDS = ID_FIELDS | {"amount"}

STATES = {
    "JK", "HP", "PB", "CH", "UK", "HR", "DL", "RJ", "UP", "BR", "SK", "AR", "NL", "MN", "MZ", "TR", "ML", "AS",
    "WB", "JH", "OD", "CG", "MP", "GJ", "DN", "MH", "KA", "GA", "LD", "KL", "TN", "PY", "AN", "TS", "AP", "LA",
}
STATE_ALIASES = {"OR": "OD", "UT": "UK", "CT": "CG", "TG": "TS", "DD": "DN"}

MAX_PAISE = 1_000_000_000_000_000  # ₹10^13
MAX_EVENT_BYTES = 1 << 20
IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".filepart")

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY, feed TEXT NOT NULL, name TEXT NOT NULL, format TEXT, size INTEGER,
    events INTEGER NOT NULL DEFAULT 0, applied INTEGER NOT NULL DEFAULT 0, duplicate INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0, failure_code TEXT, failure_message TEXT, seconds REAL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, feed TEXT NOT NULL, line INTEGER, event_id TEXT,
    entity TEXT, order_id TEXT, return_id TEXT, status TEXT, occurred_at_ms INTEGER, actor TEXT, reason TEXT,
    outcome TEXT NOT NULL, reason_code TEXT, message TEXT, recorded_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_order ON audit(order_id);
CREATE TABLE IF NOT EXISTS applied_events (
    feed TEXT NOT NULL, event_id TEXT NOT NULL, content TEXT NOT NULL, audit_id INTEGER NOT NULL,
    PRIMARY KEY (feed, event_id));
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY, customer_id TEXT, ship_to_state TEXT, status TEXT NOT NULL,
    last_at_ms INTEGER NOT NULL, total_paise INTEGER NOT NULL, paid_paise INTEGER, payment_ref TEXT,
    delivered_at_ms INTEGER);
CREATE TABLE IF NOT EXISTS order_items (
    order_id TEXT NOT NULL, position INTEGER NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL,
    unit_price_paise INTEGER NOT NULL, hsn TEXT, gst_rate_bp INTEGER, PRIMARY KEY (order_id, position));
CREATE TABLE IF NOT EXISTS returns (
    return_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, status TEXT NOT NULL, last_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS returns_by_order ON returns(order_id);
CREATE TABLE IF NOT EXISTS return_items (
    return_id TEXT NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL, PRIMARY KEY (return_id, sku));
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, audit_id INTEGER NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
    from_status TEXT, to_status TEXT NOT NULL, occurred_at_ms INTEGER NOT NULL, actor TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS invoices (
    number TEXT PRIMARY KEY, order_id TEXT NOT NULL UNIQUE, issued_at_ms INTEGER NOT NULL, total_paise INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS credit_notes (
    number TEXT PRIMARY KEY, return_id TEXT NOT NULL UNIQUE, order_id TEXT NOT NULL, issued_at_ms INTEGER NOT NULL,
    total_paise INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
    refund_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, return_id TEXT, amount_paise INTEGER NOT NULL,
    payment_ref TEXT, body TEXT NOT NULL, status TEXT NOT NULL, audit_id INTEGER NOT NULL);
"""


class Rejected(Exception):
    """A refusal of one event: its reason code and message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class FileRefused(Exception):
    """A whole file that cannot be read (bad_file, unsupported_file_type)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class IntLiteral(str):
    """A JSON integer, kept as it was written."""


class FloatLiteral(str):
    """A JSON number with a fraction or exponent, kept as it was written."""


class JSONObject(list):
    """A JSON object as its (key, value) pairs, so that a key written twice can be seen."""


def no_constants(name):
    raise ValueError(f"{name} is not JSON")


def json_loads(text):
    return json.loads(text, object_pairs_hook=JSONObject, parse_int=IntLiteral, parse_float=FloatLiteral,
                      parse_constant=no_constants)


class RawEvent:
    """One event as read from a file: field texts (None when absent), items, or why it is malformed."""

    __slots__ = ("line", "values", "items", "malformed")

    def __init__(self, line):
        self.line = line
        self.values = {}
        self.items = []
        self.malformed = None


# ---------------------------------------------------------------------------------------------
# Values


def trimmed(text):
    if text is None:
        return None
    text = text.strip(" \t")
    return text or None


def parse_money(text):
    """Paise of a rupee amount such as 1299.50; raises ValueError with the contract's wording."""
    if text.startswith("-"):
        raise ValueError("is negative")
    if text.startswith("+"):
        text = text[1:]
    whole, fraction, fraction_digits, seen_point, digits = 0, 0, 0, False, 0
    for ch in text:
        if "0" <= ch <= "9":
            digits += 1
            if seen_point:
                fraction_digits += 1
                if fraction_digits > 2:
                    raise ValueError("has more than 2 fraction digits")
                fraction = fraction * 10 + int(ch)
            else:
                whole = whole * 10 + int(ch)
                if whole > MAX_PAISE // 100:
                    raise ValueError("is too large")
        elif ch == ".":
            if seen_point:
                raise ValueError("is not a decimal number")
            seen_point = True
        elif ch in "eE":
            raise ValueError("uses an exponent")
        else:
            raise ValueError("is not a decimal number")
    if digits == 0:
        raise ValueError("is not a decimal number")
    if fraction_digits == 1:
        fraction *= 10
    return whole * 100 + fraction


def days_in_month(year, month):
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
                  r"(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2})?)?)?")


class TimeParser:
    """ISO 8601 date and time to milliseconds since the epoch; a time without an offset is local time."""

    def __init__(self, zone):
        self.zone = zone

    def parse(self, text):
        match = TIME.fullmatch(text)
        if not match:
            raise ValueError("is not a date and time in the form YYYY-MM-DDTHH:MM[:SS[.fff]][offset]")
        year, month, day, hour, minute, second, fraction, zulu, sign, offset_hours, offset_minutes = match.groups()
        year, month, day = int(year), int(month), int(day)
        if not 1 <= month <= 12 or not 1 <= day <= days_in_month(year, month):
            raise ValueError("is not a real calendar date")
        if hour is None:
            raise ValueError("has no time of day (expected 'T' and HH:MM after the date)")
        hour, minute, second = int(hour), int(minute), int(second or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError("has a time of day out of range")
        millis = int((fraction or "0")[:3].ljust(3, "0"))
        local = datetime.datetime(year, month, day, hour, minute, second)
        if zulu:
            offset = 0
        elif sign:
            if int(offset_hours) > 23 or int(offset_minutes or 0) > 59:
                raise ValueError("has a bad UTC offset")
            offset = (int(offset_hours) * 3600 + int(offset_minutes or 0) * 60) * (-1 if sign == "-" else 1)
        else:
            offset = int(local.replace(tzinfo=self.zone).utcoffset().total_seconds())
        epoch_local = (local - datetime.datetime(1970, 1, 1)) // datetime.timedelta(seconds=1)
        return (epoch_local - offset) * 1000 + millis


# ---------------------------------------------------------------------------------------------
# Reading files


def check_csv_text(path):
    """A CSV file must be UTF-8 throughout and end its lines with LF or CRLF (no bare CR outside quotes)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    in_quotes = False
    pending_cr = False
    line = 1
    offset = 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise FileRefused("bad_file", f"the file is not valid UTF-8 (byte offset {offset + error.start})")
            if not chunk:
                break
            offset += len(chunk)
            if b"\r" not in chunk and not pending_cr:
                in_quotes ^= chunk.count(b'"') % 2 == 1
                line += chunk.count(b"\n")
                continue
            for byte in chunk:
                if pending_cr:
                    pending_cr = False
                    if byte != 0x0A:
                        raise FileRefused("bad_file", f"line {line} ends with a bare CR (carriage return without "
                                                      "line feed); lines must end with LF or CRLF")
                if byte == 0x22:
                    in_quotes = not in_quotes
                elif byte == 0x0A:
                    line += 1
                elif byte == 0x0D and not in_quotes:
                    pending_cr = True


def read_csv(path):
    """The events of a CSV file: consecutive rows with the same event_id are one event."""
    check_csv_text(path)
    handle = open(path, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
            while not header:  # empty lines before the header are skipped
                header = next(reader)
        except StopIteration:
            raise FileRefused("bad_file", "the file is empty")
        except csv.Error as error:
            raise FileRefused("bad_file", f"the header row is unusable: {error}")
        names = [name.strip(" \t").lower() for name in header]
        event_columns, item_columns = {}, {}
        for index, name in enumerate(names):
            table = event_columns if name in EVENT_FIELDS else item_columns if name in ITEM_FIELDS else None
            if table is None:
                continue
            if name in table:
                raise FileRefused("bad_file", f"the header names the column {name} twice")
            table[name] = index
        missing = [name for name in REQUIRED if name not in event_columns]
        if missing:
            raise FileRefused("bad_file", "the header lacks the required column(s) " + ", ".join(missing))
        width = len(names)
        id_column = event_columns["event_id"]
        repeated = [column for name, column in event_columns.items() if name != "event_id"]

        def rows():
            """(line, fields or None, problem) for each non-empty row."""
            last_line = reader.line_num
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    yield last_line + 1, None, f"bad quoting: {error}"
                    last_line = reader.line_num
                    continue
                line = last_line + 1
                last_line = reader.line_num
                if not fields:
                    continue
                if len(fields) != width:
                    yield line, None, f"row has {len(fields)} fields, header has {width}"
                else:
                    yield line, fields, None

        def add_item(event, fields):
            if any(fields[column] for column in item_columns.values()):
                event.items.append({name: fields[column] for name, column in item_columns.items()})

        pending = None
        source = rows()
        while True:
            row = pending or next(source, None)
            pending = None
            if row is None:
                return
            line, first, problem = row
            event = RawEvent(line)
            if problem:
                event.malformed = problem
                yield event
                continue
            for name, column in event_columns.items():
                event.values[name] = first[column]
            add_item(event, first)
            event_id = first[id_column]
            if event_id:
                for row in source:
                    next_line, fields, problem = row
                    if problem or fields[id_column] != event_id:
                        pending = row
                        break
                    if event.malformed is None:
                        for column in repeated:
                            if fields[column] and fields[column] != first[column]:
                                event.malformed = (f"line {next_line}: column {names[column]} differs from the "
                                                   f"event's first row (line {line})")
                                break
                    add_item(event, fields)
            yield event
    finally:
        handle.close()


def json_value(event, name, value, number_ok, integer_only):
    """The text of one JSON value, or None; marks the event malformed for a value of the wrong type."""
    if value is None:
        return None
    if isinstance(value, (IntLiteral, FloatLiteral)):
        if not number_ok:
            event.malformed = event.malformed or f"field {name} must be a string, got number"
            return None
        if integer_only and isinstance(value, FloatLiteral):
            event.malformed = event.malformed or f"field {name} must be a string or an integer"
            return None
        return str(value)
    if isinstance(value, str):
        return value
    event.malformed = event.malformed or f"field {name} must be a string, got {type(value).__name__}"
    return None


def event_from_json(obj, line):
    """A RawEvent from a decoded JSON value (a JSONObject, or anything else: malformed)."""
    event = RawEvent(line)
    if not isinstance(obj, JSONObject):
        event.malformed = "the event must be a JSON object"
        return event
    seen, unknown = set(), set()
    for key, value in obj:
        name = key.lower() if key.isascii() else key
        if name in EVENT_FIELDS:
            if name in seen:
                event.malformed = event.malformed or f"duplicate key {name}"
            seen.add(name)
            event.values[name] = json_value(event, name, value, name in NUMBER_FIELDS, name in ID_FIELDS)
        elif name == "items":
            if name in seen:
                event.malformed = event.malformed or "duplicate key items"
            seen.add(name)
            if value is None:
                continue
            if not isinstance(value, list) or isinstance(value, JSONObject):
                event.malformed = event.malformed or "field items must be an array of objects"
                continue
            for number, element in enumerate(value, start=1):
                if not isinstance(element, JSONObject):
                    event.malformed = event.malformed or f"item {number} must be an object"
                    continue
                item, item_seen, item_unknown = {}, set(), set()
                for item_key, item_value in element:
                    item_name = item_key.lower() if item_key.isascii() else item_key
                    if item_name in ITEM_FIELDS:
                        if item_name in item_seen:
                            event.malformed = event.malformed or f"duplicate key {item_name} in item {number}"
                        item_seen.add(item_name)
                        item[item_name] = json_value(event, item_name, item_value, item_name != "sku", False)
                    elif item_key in item_unknown:
                        event.malformed = event.malformed or f"duplicate key {item_key} in item {number}"
                    else:
                        item_unknown.add(item_key)
                event.items.append(item)
        elif key in unknown:
            event.malformed = event.malformed or f"duplicate key {key}"
        else:
            unknown.add(key)
    return event


def read_json(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRefused("bad_file", f"the file is not valid UTF-8 (byte offset {error.start})")
    if not text.strip():
        raise FileRefused("bad_file", "the file holds no JSON (it is empty)")
    try:
        document = json_loads(text)
    except ValueError as error:
        raise FileRefused("bad_file", f"the file is not valid JSON: {error}")
    if isinstance(document, JSONObject):
        found = [value for key, value in document if key == "events"]
        if len(found) != 1 or not isinstance(found[0], list) or isinstance(found[0], JSONObject):
            raise FileRefused("bad_file", "the top-level object has no single \"events\" array")
        document = found[0]
    elif not isinstance(document, list):
        raise FileRefused("bad_file", "the top level must be an array of events or an object with an \"events\" array")
    for position, obj in enumerate(document, start=1):
        yield event_from_json(obj, position)


def read_jsonl(path):
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            line = raw.rstrip(b"\n")
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line.strip(b" \t\r"):
                continue
            if len(line) > MAX_EVENT_BYTES:
                event = RawEvent(number)
                event.malformed = "line is longer than 1 MiB"
                yield event
                continue
            try:
                obj = json_loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                event = RawEvent(number)
                event.malformed = "line is not valid UTF-8"
                yield event
                continue
            except ValueError as error:
                event = RawEvent(number)
                event.malformed = f"line is not valid JSON: {error}"
                yield event
                continue
            yield event_from_json(obj, number)


# ---------------------------------------------------------------------------------------------
# Judging


class Processor:
    def __init__(self, workspace, db_path, batch):
        with open(os.path.join(workspace, "config", "ordrecon.toml"), "rb") as handle:
            config = tomllib.load(handle)
        self.workspace = workspace
        self.inbox = os.path.join(workspace, config.get("paths", {}).get("inbox", "inbox"))
        self.times = TimeParser(zoneinfo.ZoneInfo(config.get("timezone", "Asia/Kolkata")))
        self.zone = zoneinfo.ZoneInfo(config.get("timezone", "Asia/Kolkata"))
        self.window_ms = config.get("returns", {}).get("window_days", 30) * 86_400_000
        feeds = config.get("feeds")
        if feeds:
            self.feeds = {name: set(table.get("allow", DEFAULT_FEEDS.get(name, []))) for name, table in feeds.items()}
        else:
            self.feeds = {name: set(allow) for name, allow in DEFAULT_FEEDS.items()}
        self.batch = batch
        self.db = sqlite3.connect(db_path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.executescript(SCHEMA)
        self.series = {}  # (prefix, financial year) -> last number
        self.totals = {"files": 0, "events": 0, "applied": 0, "duplicate": 0, "bad_files": 0, "rejected_by_code": {}}
        self.per_feed = {}
        self.in_batch = 0

    # -- files

    def scan(self):
        entries = []
        for feed in self.feeds:
            folder = os.path.join(self.inbox, feed)
            if not os.path.isdir(folder) or os.path.islink(folder):
                continue
            for name in os.listdir(folder):
                if name.startswith(".") or name.lower().endswith(IGNORED_SUFFIXES):
                    continue
                info = os.lstat(os.path.join(folder, name))
                entries.append((info.st_mtime_ns, feed, name, info))
        entries.sort(key=lambda entry: entry[:3])
        return entries

    def run(self):
        started = time.monotonic()
        self.db.execute("BEGIN")
        for _, feed, name, info in self.scan():
            self.process_file(feed, name, info)
        self.db.execute("COMMIT")
        self.totals["seconds"] = round(time.monotonic() - started, 3)
        self.totals["per_feed"] = self.per_feed
        self.add_final_state()
        return self.totals

    def process_file(self, feed, name, info):
        path = os.path.join(self.inbox, feed, name)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        started = time.monotonic()
        cursor = self.db.execute("INSERT INTO files (feed, name, format, size) VALUES (?, ?, ?, ?)",
                                 (feed, name, extension, info.st_size))
        file_id = cursor.lastrowid
        self.totals["files"] += 1
        counts = {"events": 0, "applied": 0, "duplicate": 0, "rejected": 0}
        try:
            if not stat.S_ISREG(info.st_mode):
                raise FileRefused("bad_file", "not a regular file")
            if extension == "csv":
                events = read_csv(path)
            elif extension == "json":
                events = read_json(path)
            elif extension in ("jsonl", "ndjson"):
                events = read_jsonl(path)
            else:
                raise FileRefused("unsupported_file_type",
                                  f"file type of {name} is not supported (expected .csv, .json, .jsonl or .ndjson)")
            for raw in events:
                outcome = self.handle(raw, feed, file_id)
                counts["events"] += 1
                counts[outcome] += 1
                self.in_batch += 1
                if self.in_batch >= self.batch:
                    self.db.execute("COMMIT")
                    self.db.execute("BEGIN")
                    self.in_batch = 0
        except FileRefused as refusal:
            self.totals["bad_files"] += 1
            codes = self.totals["rejected_by_code"]
            codes[refusal.code] = codes.get(refusal.code, 0) + 1
            self.db.execute("UPDATE files SET failure_code = ?, failure_message = ? WHERE id = ?",
                            (refusal.code, refusal.message, file_id))
            self.db.execute(
                "INSERT INTO audit (file_id, feed, outcome, reason_code, message, recorded_at_ms) "
                "VALUES (?, ?, 'rejected', ?, ?, ?)", (file_id, feed, refusal.code, refusal.message, now_ms()))
        seconds = time.monotonic() - started
        self.db.execute("UPDATE files SET events = ?, applied = ?, duplicate = ?, rejected = ?, seconds = ? WHERE id = ?",
                        (counts["events"], counts["applied"], counts["duplicate"], counts["rejected"], seconds, file_id))
        stats = self.per_feed.setdefault(feed, {"events": 0, "seconds": 0.0})
        stats["events"] += counts["events"]
        stats["seconds"] += seconds

    # -- events

    def handle(self, raw, feed, file_id):
        event = None
        try:
            event = self.validate(raw, feed)
            outcome, message = self.judge(event, feed, file_id, raw.line)
        except Rejected as rejection:
            outcome, message = "rejected", rejection.message
            codes = self.totals["rejected_by_code"]
            codes[rejection.code] = codes.get(rejection.code, 0) + 1
            if event is None:  # refused before it was a valid event: record what can be read
                self.record_audit(file_id, feed, raw.line, raw_event_view(raw), "rejected", rejection.code, message)
            else:
                self.record_audit(file_id, feed, raw.line, event, "rejected", rejection.code, message)
        else:
            if outcome == "duplicate":
                self.record_audit(file_id, feed, raw.line, event, "duplicate", None, message)
        self.totals["events"] += 1
        if outcome != "rejected":
            self.totals[outcome] += 1
        return outcome

    def validate(self, raw, feed):
        """Steps 1 to 3 (without state): a dict of the event's checked values, or Rejected."""
        if raw.malformed:
            raise Rejected("malformed", raw.malformed)
        value = {name: trimmed(raw.values.get(name)) for name in EVENT_FIELDS}
        for name in REQUIRED:
            if value[name] is None:
                raise Rejected("missing_field", f"{name} is missing or empty")
        entity = value["entity"].lower()
        status = value["status"].upper()
        statuses = ORDER_NEXT if entity == "order" else RETURN_NEXT if entity == "return" else {}
        known_status = status in statuses
        if entity == "return" and value["return_id"] is None:
            raise Rejected("missing_field", "return_id is missing or empty")
        items = [item for item in raw.items if any(text for text in item.values() if text)]
        if known_status:
            if status in ("CANCELLED", "REJECTED") and value["reason"] is None:
                raise Rejected("missing_field", f"reason is missing or empty (required for {status})")
            if entity == "order" and status == "PAID":
                for name in ("amount", "payment_ref"):
                    if value[name] is None:
                        raise Rejected("missing_field", f"{name} is missing or empty (required for PAID)")
            needs = None
            if entity == "order" and status == "PENDING_PAYMENT":
                if value["customer_id"] is None:
                    raise Rejected("missing_field", "customer_id is missing or empty (required for PENDING_PAYMENT)")
                needs = ("sku", "quantity", "unit_price")
            elif entity == "return" and status == "REQUESTED":
                needs = ("sku", "quantity")
            if needs:
                if not items:
                    raise Rejected("missing_field", f"items is missing or empty ({status} needs at least one item)")
                for number, item in enumerate(items, start=1):
                    for name in needs:
                        if trimmed(item.get(name)) is None:
                            raise Rejected("missing_field", f"{name} is missing or empty (item {number} has none)")
        if not statuses:
            raise Rejected("invalid_value", f"entity {value['entity']!r} is unknown (expected order or return)")
        if not known_status:
            raise Rejected("invalid_value", f"status {value['status']!r} is not a{'n order' if entity == 'order' else ' return'} status")
        try:
            occurred = self.times.parse(value["occurred_at"])
        except ValueError as error:
            raise Rejected("invalid_value", f"occurred_at {value['occurred_at']!r} {error}")
        if value["currency"] is not None and value["currency"].upper() != "INR":
            raise Rejected("invalid_value", f"currency {value['currency']!r} is not accepted (only INR)")
        amount = None
        if value["amount"] is not None:
            try:
                amount = parse_money(value["amount"])
            except ValueError as error:
                raise Rejected("invalid_value", f"amount {value['amount']!r} {error}")
        state = value["ship_to_state"]
        if state is not None:
            state = STATE_ALIASES.get(state.upper(), state.upper())
            if state not in STATES:
                raise Rejected("invalid_value", f"ship_to_state {value['ship_to_state']!r} is not an Indian state code")
        checked_items = []
        with_price = entity == "order" and status == "PENDING_PAYMENT"
        if with_price or (entity == "return" and status == "REQUESTED"):
            seen = set()
            for number, item in enumerate(items, start=1):
                sku = trimmed(item.get("sku"))
                quantity_text = trimmed(item.get("quantity"))
                if not re.fullmatch(r"[+-]?[0-9]+", quantity_text) or not 0 < int(quantity_text) <= 1_000_000:
                    raise Rejected("invalid_value", f"item {number}: quantity {quantity_text!r} is not a positive whole number")
                price = rate = hsn = None
                if with_price:
                    price_text = trimmed(item.get("unit_price"))
                    try:
                        price = parse_money(price_text)
                    except ValueError as error:
                        raise Rejected("invalid_value", f"item {number}: unit_price {price_text!r} {error}")
                    rate_text = trimmed(item.get("gst_rate"))
                    if rate_text is not None:
                        try:
                            rate = parse_money(rate_text)
                        except ValueError:
                            rate = None
                        if rate is None or rate > 10_000:
                            raise Rejected("invalid_value", f"item {number}: gst_rate {rate_text!r} is not a percentage between 0 and 100")
                    hsn = trimmed(item.get("hsn"))
                if sku in seen:
                    raise Rejected("invalid_value", f"sku {sku!r} appears twice")
                seen.add(sku)
                checked_items.append((sku, int(quantity_text), price, hsn, rate))
            if with_price:
                total = 0
                for number, (_, quantity, price, _, _) in enumerate(checked_items, start=1):
                    if price * quantity > MAX_PAISE:
                        raise Rejected("invalid_value", f"item {number}: quantity × unit_price is more than the largest order total accepted")
                    total += price * quantity
                    if total > MAX_PAISE:
                        raise Rejected("invalid_value", "the items add up to more than the largest order total accepted")
        event = {
            "event_id": value["event_id"], "entity": entity, "status": status, "order_id": value["order_id"],
            "return_id": value["return_id"] if entity == "return" else None, "occurred_at": occurred,
            "actor": value["actor"] or feed, "reason": value["reason"], "customer_id": value["customer_id"],
            "ship_to_state": state, "amount": amount, "payment_ref": value["payment_ref"],
            "carrier": value["carrier"], "tracking_number": value["tracking_number"], "items": checked_items,
        }
        # The normalized content: the same event in any format (120 or "120.00", Z or +05:30) is the same.
        content = [event[name] for name in ("entity", "status", "order_id", "return_id", "occurred_at", "actor", "reason",
                                            "customer_id", "ship_to_state", "amount", "payment_ref", "carrier",
                                            "tracking_number")]
        content.append(sorted(checked_items, key=lambda item: item[0]))
        event["content"] = json.dumps(content, ensure_ascii=False)
        return event

    def judge(self, event, feed, file_id, line):
        """Steps 3 (with state) to 10; applies the event when it passes. Returns (outcome, message)."""
        db = self.db
        order_id, return_id, status = event["order_id"], event["return_id"], event["status"]
        existing_return = None
        if return_id is not None:
            existing_return = db.execute("SELECT order_id, status, last_at_ms FROM returns WHERE return_id = ?",
                                         (return_id,)).fetchone()
            if existing_return and existing_return[0] != order_id:
                raise Rejected("invalid_value", f"return_id {return_id!r} belongs to another order, not {order_id!r}")
        earlier = db.execute("SELECT content FROM applied_events WHERE feed = ? AND event_id = ?",
                             (feed, event["event_id"])).fetchone()
        if earlier:
            if earlier[0] == event["content"]:
                return "duplicate", f"event {event['event_id']!r} was already applied by feed {feed} with the same content"
            raise Rejected("event_id_conflict",
                           f"event_id {event['event_id']!r} was already applied by feed {feed} with different content")
        if f"{event['entity']}:{status}" not in self.feeds[feed]:
            raise Rejected("feed_not_allowed", f"feed {feed} may not send {event['entity']}:{status}")
        order = db.execute("SELECT status, last_at_ms, total_paise, paid_paise, payment_ref, delivered_at_ms "
                           "FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        if event["entity"] == "order":
            if status == "PENDING_PAYMENT":
                if order:
                    raise Rejected("order_exists", f"order {order_id!r} already exists")
                return self.apply_new_order(event, feed, file_id, line)
            if not order:
                raise Rejected("unknown_order", f"order {order_id!r} is unknown")
            current, last_at, total, paid, payment_ref, _ = order
            if current == status:
                return "duplicate", f"order {order_id!r} is already {status}"
            if status not in ORDER_NEXT[current]:
                raise Rejected("invalid_transition", f"status {status} is not allowed from {current}")
            if event["occurred_at"] < last_at:
                raise Rejected("out_of_order", "occurred_at is earlier than the order's last transition")
            if status == "PAID" and event["amount"] != total:
                raise Rejected("amount_mismatch", f"paid amount differs from the order total {total / 100:.2f} INR")
            return self.apply_order_move(event, feed, file_id, line, current, total, paid, payment_ref)
        if not order:
            raise Rejected("unknown_order", f"order {order_id!r} is unknown")
        order_status, _, _, _, payment_ref, delivered_at = order
        if status == "REQUESTED":
            if existing_return:
                raise Rejected("return_exists", f"return {return_id!r} already exists")
            if order_status != "DELIVERED":
                raise Rejected("order_not_delivered", f"order {order_id!r} is {order_status}")
            if event["occurred_at"] < delivered_at:
                raise Rejected("out_of_order", "occurred_at is earlier than the order's delivery")
            ordered = {}
            for sku, quantity in db.execute("SELECT sku, quantity FROM order_items WHERE order_id = ?", (order_id,)):
                ordered[sku] = ordered.get(sku, 0) + quantity
            for sku, *_ in event["items"]:
                if sku not in ordered:
                    raise Rejected("unknown_sku", f"sku {sku!r} is not in order {order_id!r}")
            held = dict(db.execute(
                "SELECT ri.sku, SUM(ri.quantity) FROM returns r JOIN return_items ri ON ri.return_id = r.return_id "
                "WHERE r.order_id = ? AND r.status <> 'REJECTED' AND r.return_id <> ? GROUP BY ri.sku",
                (order_id, return_id)))
            for sku, quantity, *_ in event["items"]:
                if quantity > ordered[sku] - held.get(sku, 0):
                    raise Rejected("quantity_exceeded", f"sku {sku!r}: {quantity} requested, more than can be returned")
            if event["occurred_at"] > delivered_at + self.window_ms:
                raise Rejected("return_window_closed", "the return window is closed")
            return self.apply_new_return(event, feed, file_id, line)
        if not existing_return:
            raise Rejected("unknown_return", f"return {return_id!r} is unknown")
        _, current, last_at = existing_return
        if current == status:
            return "duplicate", f"return {return_id!r} is already {status}"
        if status not in RETURN_NEXT[current]:
            raise Rejected("invalid_transition", f"status {status} is not allowed from {current}")
        if event["occurred_at"] < last_at:
            raise Rejected("out_of_order", "occurred_at is earlier than the return's last transition")
        return self.apply_return_move(event, feed, file_id, line, current, payment_ref)

    # -- applying

    def record_audit(self, file_id, feed, line, event, outcome, code, message):
        cursor = self.db.execute(
            "INSERT INTO audit (file_id, feed, line, event_id, entity, order_id, return_id, status, occurred_at_ms, "
            "actor, reason, outcome, reason_code, message, recorded_at_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (file_id, feed, line, event.get("event_id"), event.get("entity"), event.get("order_id"),
             event.get("return_id"), event.get("status"), event.get("occurred_at"), event.get("actor"),
             event.get("reason"), outcome, code, message, now_ms()))
        return cursor.lastrowid

    def record_applied(self, event, feed, file_id, line, entity_id, from_status):
        audit_id = self.record_audit(file_id, feed, line, event, "applied", None, None)
        self.db.execute("INSERT INTO applied_events (feed, event_id, content, audit_id) VALUES (?, ?, ?, ?)",
                        (feed, event["event_id"], event["content"], audit_id))
        self.db.execute(
            "INSERT INTO history (audit_id, entity, entity_id, from_status, to_status, occurred_at_ms, actor, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (audit_id, event["entity"], entity_id, from_status, event["status"], event["occurred_at"], event["actor"],
             event["reason"]))
        return audit_id

    def apply_new_order(self, event, feed, file_id, line):
        total = sum(price * quantity for _, quantity, price, _, _ in event["items"])
        self.record_applied(event, feed, file_id, line, event["order_id"], None)
        self.db.execute("INSERT INTO orders (order_id, customer_id, ship_to_state, status, last_at_ms, total_paise) "
                        "VALUES (?, ?, ?, 'PENDING_PAYMENT', ?, ?)",
                        (event["order_id"], event["customer_id"], event["ship_to_state"], event["occurred_at"], total))
        for position, (sku, quantity, price, hsn, rate) in enumerate(event["items"], start=1):
            self.db.execute("INSERT INTO order_items VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (event["order_id"], position, sku, quantity, price, hsn, rate))
        return "applied", None

    def apply_order_move(self, event, feed, file_id, line, current, total, paid, payment_ref):
        order_id, status, at = event["order_id"], event["status"], event["occurred_at"]
        audit_id = self.record_applied(event, feed, file_id, line, order_id, current)
        if status == "PAID":
            self.db.execute("UPDATE orders SET status = ?, last_at_ms = ?, paid_paise = ?, payment_ref = ? "
                            "WHERE order_id = ?", (status, at, event["amount"], event["payment_ref"], order_id))
        elif status == "DELIVERED":
            self.db.execute("UPDATE orders SET status = ?, last_at_ms = ?, delivered_at_ms = ? WHERE order_id = ?",
                            (status, at, at, order_id))
        else:
            self.db.execute("UPDATE orders SET status = ?, last_at_ms = ? WHERE order_id = ?", (status, at, order_id))
        if status == "SHIPPED":
            number = self.next_number("IN", at)
            self.db.execute("INSERT INTO invoices VALUES (?, ?, ?, ?)", (number, order_id, at, total))
        elif status == "CANCELLED" and current == "PAID" and paid:
            self.record_refund(f"RF.{order_id}.C", order_id, None, paid, payment_ref, audit_id)
        return "applied", None

    def apply_new_return(self, event, feed, file_id, line):
        self.record_applied(event, feed, file_id, line, event["return_id"], None)
        self.db.execute("INSERT INTO returns VALUES (?, ?, 'REQUESTED', ?)",
                        (event["return_id"], event["order_id"], event["occurred_at"]))
        for sku, quantity, *_ in event["items"]:
            self.db.execute("INSERT INTO return_items VALUES (?, ?, ?)", (event["return_id"], sku, quantity))
        return "applied", None

    def apply_return_move(self, event, feed, file_id, line, current, payment_ref):
        order_id, return_id, status, at = event["order_id"], event["return_id"], event["status"], event["occurred_at"]
        audit_id = self.record_applied(event, feed, file_id, line, return_id, current)
        self.db.execute("UPDATE returns SET status = ?, last_at_ms = ? WHERE return_id = ?", (status, at, return_id))
        if status == "COMPLETED":
            prices = {}
            for sku, price in self.db.execute("SELECT sku, unit_price_paise FROM order_items WHERE order_id = ? "
                                              "ORDER BY position", (order_id,)):
                prices.setdefault(sku, price)
            amount = sum(prices.get(sku, 0) * quantity for sku, quantity in
                         self.db.execute("SELECT sku, quantity FROM return_items WHERE return_id = ?", (return_id,)))
            if amount > 0:
                self.record_refund(f"RF.{order_id}.R.{return_id}", order_id, return_id, amount, payment_ref, audit_id)
                number = self.next_number("CN", at)
                self.db.execute("INSERT INTO credit_notes VALUES (?, ?, ?, ?, ?)",
                                (number, return_id, order_id, at, amount))
        return "applied", None

    def record_refund(self, refund_id, order_id, return_id, amount, payment_ref, audit_id):
        body = json.dumps({"refund_id": refund_id, "order_id": order_id, "return_id": return_id,
                           "amount": f"{amount // 100}.{amount % 100:02d}", "currency": "INR",
                           "payment_ref": payment_ref or ""}, separators=(",", ":"))
        self.db.execute("INSERT INTO refunds VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                        (refund_id, order_id, return_id, amount, payment_ref, body, audit_id))

    def next_number(self, prefix, at_ms):
        local = datetime.datetime.fromtimestamp(at_ms / 1000, self.zone)
        start = local.year if local.month >= 4 else local.year - 1
        number = self.series.get((prefix, start), 0) + 1
        self.series[(prefix, start)] = number
        return f"{prefix}/{start % 100:02d}-{(start + 1) % 100:02d}/{number:07d}"

    def add_final_state(self):
        db = self.db
        self.totals["orders_by_status"] = dict(db.execute("SELECT status, COUNT(*) FROM orders GROUP BY status"))
        self.totals["returns_by_status"] = dict(db.execute("SELECT status, COUNT(*) FROM returns GROUP BY status"))
        self.totals["refunds"], self.totals["refund_paise_total"] = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_paise), 0) FROM refunds").fetchone()
        self.totals["invoices"] = db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]


def raw_event_view(raw):
    """What the audit row of an event refused before validation can hold."""
    view = {name: trimmed(raw.values.get(name)) for name in ("event_id", "order_id", "return_id", "actor")}
    view["entity"] = (trimmed(raw.values.get("entity")) or "").lower() or None
    view["status"] = (trimmed(raw.values.get("status")) or "").upper() or None
    return view


def now_ms():
    return int(time.time() * 1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace")
    parser.add_argument("--db", help="the database to write (default WORKSPACE/var/baseline.sqlite; must not exist)")
    parser.add_argument("--batch", type=int, default=1000, help="events per transaction")
    args = parser.parse_args()
    db_path = args.db or os.path.join(args.workspace, "var", "baseline.sqlite")
    if os.path.exists(db_path):
        raise SystemExit(f"baseline.py: {db_path} exists; give a new database path")
    os.makedirs(os.path.dirname(os.path.abspath(db_path)), exist_ok=True)
    csv.field_size_limit(MAX_EVENT_BYTES)
    summary = Processor(args.workspace, db_path, args.batch).run()
    json.dump(summary, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
