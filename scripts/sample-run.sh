#!/usr/bin/env bash
# The main job on sample data: builds ordrecon, writes a sample workload (all five feeds,
# CSV/JSON/JSONL, with some faulty rows on purpose) into this repository's own workspace
# (inbox/ …, database var/ordrecon.sqlite), starts the mock payment gateway on the configured
# address (127.0.0.1:8099), runs `ordrecon run` once, and shows one order and the refunds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product ordrecon
bin=.build/release/ordrecon
"$bin" generate --orders "${ORDERS:-500}" --out . --seed "${SEED:-1}"

# The payment gateway: the mock, remembering its idempotency keys in var/ across sample runs.
mkdir -p var
"$bin" mock-gateway --port 8099 --journal var/mock-gateway.jsonl >var/mock-gateway.out 2>var/mock-gateway.log &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q listening var/mock-gateway.out 2>/dev/null && break
  kill -0 "$mock" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q listening var/mock-gateway.out 2>/dev/null; then
  echo "the mock gateway did not start (is something else on 127.0.0.1:8099?):" >&2
  tail -3 var/mock-gateway.log >&2
  exit 1
fi
echo "mock gateway: $(cat var/mock-gateway.out) (log: var/mock-gateway.log)"

status=0
"$bin" run || status=$?
case $status in
  0) echo "ordrecon run: exit 0, nothing rejected, every refund sent." ;;
  65) echo "ordrecon run: exit 65, some rows were rejected (the sample has faults on purpose): see outbox/rejections/." ;;
  75) echo "ordrecon run: exit 75, refunds left pending: see \`ordrecon refunds --status pending\`." ;;
  *) echo "ordrecon run: exit $status"; exit $status ;;
esac
order=$(sqlite3 var/ordrecon.sqlite "SELECT order_id FROM orders WHERE status = 'DELIVERED' AND order_id IN (SELECT order_id FROM refunds) ORDER BY order_id LIMIT 1")
[ -n "$order" ] && "$bin" order "$order"
echo
"$bin" refunds | tail -4
