#!/usr/bin/env bash
# A bounded load loop for the drill: CLIENTS concurrent clients, each sending streamed chat requests
# one after another until STOP_FILE exists, COUNT requests were sent in all, or SECONDS_MAX passed.
# One line per request to OUT: "start_ms end_ms kind", kind being
#   ok                a streamed answer that ended with [DONE] and no error
#   <code>            the error code of an error event or error body (worker_lost, timeout, ...)
#   http_<status>     a non-200 answer without an error code
#   connect_refused   nothing listening (controller down)
#   connection_lost   the connection broke mid-answer
#   truncated         200, but the stream ended without [DONE]
#   hung              no answer within HANG_SECONDS: a broken promise (every request must end)
# Usage: load.sh URL MODEL CLIENTS COUNT SECONDS_MAX HANG_SECONDS MAX_TOKENS STOP_FILE OUT
set -uo pipefail

url="$1" model="$2" clients="$3" count="$4" seconds_max="$5" hang="$6" max_tokens="$7" stop_file="$8" out="$9"
body="{\"model\":\"$model\",\"stream\":true,\"max_tokens\":$max_tokens,\"ignore_eos\":true,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the sea.\"}]}"
ticket_dir="$(mktemp -d)"
trap 'rm -rf "$ticket_dir"' EXIT
deadline=$(( $(date +%s) + seconds_max ))

now_ms() { date +%s%3N; }

# Takes one of COUNT tickets (mkdir is atomic), so the clients together send at most COUNT requests.
take_ticket() {
  local n
  for ((n = 0; n < count; n++)); do
    mkdir "$ticket_dir/$n" 2>/dev/null && return 0
  done
  return 1
}

classify() { # curl_exit http_status body_file
  local rc="$1" status="$2" file="$3" code
  code="$(grep -o '"code":"[a-z_]*"' "$file" | head -n 1 | cut -d'"' -f4)"
  case "$rc" in
    0) ;;
    28) echo hung; return ;;
    7) echo connect_refused; return ;;
    *) if [ -n "$code" ]; then echo "$code"; else echo connection_lost; fi; return ;;
  esac
  if [ -n "$code" ]; then echo "$code"
  elif [ "$status" != 200 ]; then echo "http_$status"
  elif grep -q '^data: \[DONE\]' "$file"; then echo ok
  else echo truncated
  fi
}

client() {
  local file="$ticket_dir/body.$1" start status rc kind curl_pid=""
  trap '[ -n "$curl_pid" ] && kill "$curl_pid" 2>/dev/null; exit 143' TERM
  while [ ! -e "$stop_file" ] && (( $(date +%s) < deadline )) && take_ticket; do
    start="$(now_ms)"
    curl -sS -N --max-time "$hang" -o "$file" -w '%{http_code}' \
      -H 'Content-Type: application/json' -d "$body" "$url" > "$file.status" 2>/dev/null &
    curl_pid=$!
    wait "$curl_pid"
    rc=$?
    curl_pid=""
    status="$(cat "$file.status")"
    kind="$(classify "$rc" "$status" "$file")"
    echo "$start $(now_ms) $kind" >> "$out"
    # Refused at once while the controller is down: pace the retries instead of spinning.
    [ "$kind" = connect_refused ] && sleep 0.1
  done
}

client_pids=()
for ((c = 0; c < clients; c++)); do
  client "$c" &
  client_pids+=($!)
done
# Stopped early: stop the clients, which stop their requests.
trap 'kill "${client_pids[@]}" 2>/dev/null; wait; exit 143' TERM INT
wait
