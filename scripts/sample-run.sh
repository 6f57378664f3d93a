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

# The payment gateway: the mock, remembering its idempotency keys in var/ across sample runs. It
# listens on the configured 127.0.0.1:8099; when another program holds that port, on a free one,
# and the run then reads config/ordrecon.sample.toml: the same configuration pointed at it.
mkdir -p var
config=()
start_mock() {
  rm -f var/mock-gateway.out
  "$bin" mock-gateway --port "$1" --journal var/mock-gateway.jsonl >var/mock-gateway.out 2>var/mock-gateway.log &
  mock=$!
  for _ in $(seq 100); do
    grep -q listening var/mock-gateway.out 2>/dev/null && return 0
    kill -0 "$mock" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true' EXIT
if ! start_mock 8099; then
  echo "127.0.0.1:8099 is taken by another program: the mock gateway takes a free port instead."
  if ! start_mock 0; then
    echo "the mock gateway did not start:" >&2
    tail -3 var/mock-gateway.log >&2
    exit 1
  fi
  port=$(grep -o '127.0.0.1:[0-9]*' var/mock-gateway.out | head -1 | cut -d: -f2)
  sed "s|^base_url = \"http://127.0.0.1:8099\"|base_url = \"http://127.0.0.1:$port\"|" config/ordrecon.toml >config/ordrecon.sample.toml
  config=(--config config/ordrecon.sample.toml)
  echo "the run reads config/ordrecon.sample.toml (gateway at 127.0.0.1:$port)"
fi
echo "mock gateway: $(cat var/mock-gateway.out) (log: var/mock-gateway.log)"

status=0
"$bin" run "${config[@]}" || status=$?
case $status in
  0) echo "ordrecon run: exit 0, nothing rejected, every refund sent." ;;
  65) echo "ordrecon run: exit 65, some rows were rejected (the sample has faults on purpose): see outbox/rejections/." ;;
  75) echo "ordrecon run: exit 75, refunds left pending: see \`ordrecon refunds --status pending\`." ;;
  *) echo "ordrecon run: exit $status"; exit $status ;;
esac
order=$(sqlite3 var/ordrecon.sqlite "SELECT order_id FROM orders WHERE status = 'DELIVERED' AND order_id IN (SELECT order_id FROM refunds) ORDER BY order_id LIMIT 1")
[ -n "$order" ] && "$bin" order "$order" "${config[@]}"
echo
"$bin" refunds "${config[@]}" | tail -4
