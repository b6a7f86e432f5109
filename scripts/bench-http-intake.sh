#!/usr/bin/env bash
# Bulk intake end to end: a release server on a fresh SQLite data dir, one provider, N NDJSON
# lines (administrative penalties about N new subjects) in ONE `POST /api/v1/records/batch`
# sent by curl. Prints records/s over the whole request (per-line report included) and the
# server's peak resident memory, which must not grow with N (the body is streamed in chunks).
#
#   bash scripts/bench-http-intake.sh [LINES]        # default 100000; needs curl and python3
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-100000}"
port="${CREDIT_BENCH_PORT:-18080}"
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# CREDIT_BENCH_BIN=path runs another build of the server, with CREDIT_BENCH_POLICIES=dir its own
# policies folder (to compare two commits in one sitting).
policies="${CREDIT_BENCH_POLICIES:-policies}"
bin="${CREDIT_BENCH_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/credit-platform"
fi

# The same lines as benches/support.rs `penalty_line` (valid resident ids with check digits).
python3 - "$lines" "$work/batch.ndjson" <<'PY'
import json, sys
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def resident_id(seed):
    body = "3201%02d19%02d%02d%02d%03d" % (seed % 100, 50 + (seed // 100) % 50, 1 + (seed // 5000) % 12,
                                          1 + (seed // 60000) % 28, (seed // 1680000) % 1000)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
with open(sys.argv[2], "w") as out:
    for seed in range(int(sys.argv[1])):
        number = f"宁市监罚〔2026〕{seed}号"
        out.write(json.dumps({
            "record_type": "administrative_penalty",
            "subject": {"kind": "natural_person", "identifier": resident_id(seed), "name": f"测试{seed}"},
            "fields": {"decision_number": number, "violated_provision": "《中华人民共和国食品安全法》第三十四条",
                       "penalty_content": "警告并处罚款", "fine_amount": "5000", "severity": "general",
                       "procedure": "general", "decision_date": "2026-03-02"},
            "source_document": {"number": number, "date": "2026-03-02", "authority": "南京市市场监督管理局"},
            "conduct_ended_on": "2026-01-15"}, ensure_ascii=False) + "\n")
PY

export CREDIT_NEW_PASSWORD=bench-password-1
run() { "$bin" --data-dir "$work/data" --policies "$policies" "$@"; }
run accounts create --email admin@example.org --role admin >/dev/null 2>&1
"$bin" --data-dir "$work/data" --policies "$policies" --listen "127.0.0.1:$port" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -sf "localhost:$port/healthz" >/dev/null && break; sleep 0.2; done

api() { curl -sf -XPOST "localhost:$port/api/v1/$1" -H 'content-type: application/json' ${3:+-H "authorization: Bearer $3"} -d "$2"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
admin=$(api auth/login '{"email":"admin@example.org","password":"bench-password-1"}' | field token)
org=$(api admin/organizations '{"name":"南京市市场监督管理局","kind":"administrative_organ"}' "$admin" | field id)
api admin/accounts "{\"email\":\"p@example.org\",\"password\":\"bench-password-1\",\"role\":\"provider\",\"organization_id\":\"$org\"}" "$admin" >/dev/null
provider=$(api auth/login '{"email":"p@example.org","password":"bench-password-1"}' | field token)

before=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
start=$(date +%s.%N)
curl -sf -XPOST "localhost:$port/api/v1/records/batch" -H "authorization: Bearer $provider" \
  -H 'content-type: application/x-ndjson' --data-binary "@$work/batch.ndjson" -o "$work/report.ndjson"
end=$(date +%s.%N)
stored=$(grep -c '"id"' "$work/report.ndjson" || true)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
python3 -c "
s = $end - $start
print(f'{$stored} of {$lines} lines stored in {s:.2f} s = {$stored / s:,.0f} records/s; server RSS {$before // 1024} MB before, peak {$peak // 1024} MB')"
