#!/usr/bin/env bash
# Renders a real run report in headless Chromium (Debian's `chromium`) and fails when the page
# logs a console error, holds a script or an external reference, or shows feed text unescaped.
#
#   scripts/check-report.sh [path/to/ordrecon]
#
# Without an argument it builds ordrecon (`swift build`; ORDRECON_SCRATCH=DIR for another
# build folder). It generates a small workload (300 orders, every kind of fault), adds a file
# whose name and values carry HTML (`<script>alert(1)</script>`), runs it, then:
#   1. checks the HTML statically (no <script, no http(s) references, escaped feed text);
#   2. `chromium --headless --dump-dom` with console logging on stderr: any CONSOLE or
#      "Uncaught" line fails the check, and the DOM must hold the escaped text as text;
#   4. checks that the page, which holds long unbroken ids, a long message and a long file
#      name, is no wider than a 1280 px window;
#   3. takes a screenshot (1280x2000) to REPORT_SCREENSHOT (default: in the temporary folder,
#      kept so a person can look at it; it is never committed).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-report: FAIL: $*" >&2; exit 1; }

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
[ -n "$browser" ] || fail "no chromium on the PATH (scripts/install-deps.sh installs Debian's chromium)"

if [ $# -ge 1 ]; then
  binary="$1"
else
  scratch=()
  [ -z "${ORDRECON_SCRATCH:-}" ] || scratch=(--scratch-path "$ORDRECON_SCRATCH")
  swift build "${scratch[@]}" >/dev/null
  binary="$(swift build "${scratch[@]}" --show-bin-path)/ordrecon"
fi
[ -x "$binary" ] || fail "no ordrecon binary at $binary"

work="$(mktemp -d "${TMPDIR:-/tmp}/ordrecon-report-check.XXXXXX")"
trap 'rm -rf "$work/ws"' EXIT
ws="$work/ws"
"$binary" generate --orders 300 --out "$ws" >/dev/null

# A hostile file: HTML in the file name, a status and a reason.
hostile="$ws/inbox/storefront/evil&<i>'q\".csv"
cat > "$hostile" <<'CSV'
event_id,entity,order_id,status,occurred_at,reason
X-1,order,ORD-X1,<script>alert(1)</script>,2026-04-01T10:00:00+05:30,
X-2,order,ORD-X2,CANCELLED,2026-04-01T10:00:00+05:30,<script>alert(1)</script> & <img src=x onerror=alert(2)>
CSV
touch -d '2000-01-01' "$hostile"
# Long unbroken values (an event id, an order id quoted in the message, a file name): the page
# must still fit a 1280 px screen (step 4).
long_id="LONG-$(printf 'A%.0s' $(seq 1 240))"
long_order="ORD-$(printf 'B%.0s' $(seq 1 300))"
long_file="$ws/inbox/payments/$(printf 'payments-export-%.0s' $(seq 1 12))unbroken.csv"
printf 'event_id,entity,order_id,status,occurred_at,amount,payment_ref\n%s,order,%s,PAID,2026-04-01T10:00:00+05:30,10.00,%s\n' \
  "$long_id" "$long_order" "$long_id" >"$long_file"
touch -d '2000-01-01' "$long_file"
# No gateway listens (one quick attempt): the report must also show refunds left pending.
sed -i 's/^max_attempts = 5$/max_attempts = 1/; s|^base_url = "http://127.0.0.1:8099"$|base_url = "http://127.0.0.1:9"|' "$ws/config/ordrecon.toml"

set +e
(cd "$ws" && "$binary" run --json --quiet >"$work/summary.json" 2>"$work/run.log")
status=$?
set -e
[ "$status" -eq 75 ] || { cat "$work/run.log" >&2; fail "ordrecon run exited $status (expected 75: refunds left pending)"; }

report="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["report"]["html"])' "$work/summary.json")"
[ -f "$report" ] || fail "the summary names no report file (got: $report)"
[ -f "${report%.html}.json" ] || fail "no JSON report beside $report"

# 1. Static checks.
if grep -qi '<script' "$report"; then fail "the report holds a <script"; fi
if grep -qiE '(src|href)="?(https?:)?//|url\(|@import|<link' "$report"; then fail "the report references something external"; fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$report" || fail "the hostile feed text is not in the report, escaped"
if grep -q '<img' "$report"; then fail "the report holds an <img> from feed text"; fi

# 2. Render and listen to the console.
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars)
timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$report" \
  >"$work/dom.html" 2>"$work/console.log" || fail "chromium --dump-dom failed (see $work/console.log)"
if grep -E 'CONSOLE|Uncaught' "$work/console.log" >"$work/console-errors.log"; then
  cat "$work/console-errors.log" >&2
  fail "the browser console reported errors"
fi
grep -q '<h1>Run ' "$work/dom.html" || fail "the rendered DOM has no report heading"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/dom.html" || fail "the rendered DOM does not show the feed text as text"
grep -q 'refund(s) left pending' "$work/dom.html" || fail "the rendered DOM does not say that refunds were left pending"
if grep -qi '<script' "$work/dom.html"; then fail "the rendered DOM holds a script element"; fi

# 4. Width: a copy of the report with one line of script that writes the page's scroll width
#    into its title, rendered at 1280 px. (The report itself holds no script.)
measure="$work/measure.html"
sed 's|</body>|<script>document.title = "scroll-width:" + document.documentElement.scrollWidth</script></body>|' "$report" >"$measure"
timeout 120 "$browser" "${flags[@]}" --window-size=1280,2000 --dump-dom "file://$measure" \
  >"$work/measure-dom.html" 2>/dev/null || fail "chromium --dump-dom of the width probe failed"
width=$(sed -n 's|.*<title>scroll-width:\([0-9]*\)</title>.*|\1|p' "$work/measure-dom.html" | head -1)
[ -n "$width" ] || fail "the width probe did not run"
grep -q "$long_id" "$report" || fail "the long event id is not in the report"
[ "$width" -le 1280 ] || fail "the report is $width px wide at a 1280 px window (long unbroken values overflow)"

# 3. Screenshot.
screenshot="${REPORT_SCREENSHOT:-$work/report.png}"
timeout 120 "$browser" "${flags[@]}" --screenshot="$screenshot" --window-size=1280,2000 "file://$report" \
  >/dev/null 2>"$work/screenshot.log" || fail "chromium --screenshot failed (see $work/screenshot.log)"
[ -s "$screenshot" ] || fail "no screenshot written"

events=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["total"]; print(t["events"], "events,", t["rejected"], "rejected,", t["failed_files"], "file(s) refused")' "$work/summary.json")
echo "check-report: OK: $("$browser" --version 2>/dev/null | head -1) rendered $(basename "$report") ($events) with no console errors, $width px wide at 1280; screenshot: $screenshot"
