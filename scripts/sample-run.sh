#!/usr/bin/env bash
# The main job on sample data: builds ordrecon, writes a sample workload (all five feeds,
# CSV/JSON/JSONL, with some faulty rows on purpose) into this repository's own workspace
# (inbox/ …, database var/ordrecon.sqlite), runs `ordrecon run` once, and shows one order.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product ordrecon
bin=.build/release/ordrecon
"$bin" generate --orders "${ORDERS:-500}" --out . --seed "${SEED:-1}"
status=0
"$bin" run || status=$?
case $status in
  0) echo "ordrecon run: exit 0, nothing rejected." ;;
  65) echo "ordrecon run: exit 65, some rows were rejected (the sample has faults on purpose): see outbox/rejections/." ;;
  *) echo "ordrecon run: exit $status"; exit $status ;;
esac
order=$(sqlite3 var/ordrecon.sqlite "SELECT order_id FROM orders WHERE status = 'DELIVERED' ORDER BY order_id LIMIT 1")
[ -n "$order" ] && "$bin" order "$order"
