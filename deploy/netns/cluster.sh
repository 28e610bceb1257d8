#!/usr/bin/env bash
# A Loom cluster across network namespaces, as if on separate hosts, and fault drills against it.
#
# Namespaces (all made here, all removed on exit): a switch (a bridge, nothing else), the controller
# (10.231.0.1), WORKERS workers (10.231.0.11, .12, ...), a load generator (10.231.0.100) and, for one
# drill, a worker with an unlisted CURVE key (10.231.0.66). Each host has one veth to the switch and
# no route beyond 10.231.0.0/24: no default route, no NAT, nothing in the host's own namespace, so no
# packet can leave the namespaces made here. CURVE is on, with a worker allow-list; routing is
# round-robin, so every worker has requests in flight when its fault strikes.
#
# Drills, each under load (streamed chat requests from the generator), each a row of the table:
#   kill        kill -9 of a worker; restarted 1 s later (as systemd's Restart=on-failure would)
#   drain       SIGTERM to a worker (an upgrade): its requests finish, none may end worker_lost;
#               started again once it has exited
#   link        a worker's link down for 10 s, then up: it must come back by itself
#   controller  kill -9 of the controller, restarted 1 s later: workers must re-register by themselves
#   wrongkey    a worker with an unlisted CURVE key tries to register: refused, logged, never served
#   netem       2 % packet loss both ways on a worker's link for 30 s: tc netem, or nftables dropping
#               1 packet in 50 where the kernel has no netem (the table says which)
# Columns: requests sent, completed, failed by error kind, hung (no answer in time: must be 0), ms from
# the fault to the moment it was noticed (the controller dropped the worker; for the controller drill,
# a worker noticed its controller gone; for wrongkey, the controller logged the refusal), and ms from
# the fault to service whole again (every worker up and a request answered).
# Exits non-zero when an expectation fails: a hung request, a drill with no completed request, a
# worker that did not rejoin, a dead or cut-off worker the controller did not notice, or a wrong-key
# worker that was listed, not refused, or served.
#
# Usage (root; needs ip and tc from iproute2, curl, and nft where the kernel lacks netem):
#   deploy/netns/cluster.sh [--model tiny|default|PATH] [--workers N] [--bin DIR] [--drills LIST]
#                           [--clients N] [--out DIR] [--check]
#   --model    tiny (default): ../shared/fixtures/tiny-llava/tiny-llama-f32.gguf, fast;
#              default: SmolLM2-135M-Instruct where scripts/fetch-model put it; or a GGUF path
#   --bin      where loom-controller and loom-worker are (default: .build/debug)
#   --drills   comma-separated subset of kill,drain,link,controller,wrongkey,netem (default: all, in that order)
#   --out      keep logs, results and the table there (default: a temporary directory, kept on failure)
#   --check    only check that namespaces can be made here (exit 0) or say why not (exit 2)
set -uo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
model=tiny workers=2 bin="$root/.build/debug" drills="kill,drain,link,controller,wrongkey,netem" clients=4 out="" check=0
while (($#)); do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --drills) drills="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done

# MARK: Settings. Short heartbeats keep the whole drill within a few minutes.
heartbeat_ms=250 liveness=3
request_timeout=20          # the controller ends every request within this (seconds)
hang_seconds=35             # a request still unanswered after this is hung
max_tokens=32
rejoin_bound=60             # seconds after a fault ends by which the service must be whole
subnet=10.231.0 prefix="lm$$"
controller_ip="$subnet.1" generator_ip="$subnet.100" rogue_ip="$subnet.66"
http="http://$controller_ip:8080"

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 2; }
now_ms() { date +%s%3N; }

preflight() {
  [ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces)"; return 1; }
  for tool in ip tc curl; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install iproute2 curl)"; return 1; }; done
  local probe="${prefix}probe"
  ip netns add "$probe" 2>/dev/null || { echo "cannot create a network namespace here"; return 1; }
  ip netns exec "$probe" true 2>/dev/null || { ip netns del "$probe"; echo "cannot enter a network namespace here"; return 1; }
  ip netns del "$probe"
}
if ! reason="$(preflight)"; then
  say "$reason"; exit 2
fi
((check)) && { echo "network namespaces usable"; exit 0; }

for product in loom-controller loom-worker; do
  [ -x "$bin/$product" ] || die "no $bin/$product: build first (swift build) or pass --bin"
done
case "$model" in
  tiny) model_args=(--model "$root/../shared/fixtures/tiny-llava/tiny-llama-f32.gguf") ;;
  default) model_args=() ;;  # the worker finds the fetched SmolLM2 itself
  *) model_args=(--model "$model") ;;
esac
[ "${#model_args[@]}" -eq 0 ] || [ -f "${model_args[1]}" ] || die "no model at ${model_args[1]}"

keep=1
[ -n "$out" ] || { out="$(mktemp -d /tmp/loom-drill.XXXXXX)"; keep=0; }
mkdir -p "$out/logs" "$out/results" "$out/keys"

# MARK: Teardown: every process started here, then every namespace made here.
declare -A pids=()
namespaces=()
failures=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ -e "$out/stop" ] || touch "$out/stop"
  for name in "${!pids[@]}"; do kill -TERM "${pids[$name]}" 2>/dev/null; done
  sleep 0.5
  for name in "${!pids[@]}"; do kill -KILL "${pids[$name]}" 2>/dev/null; wait "${pids[$name]}" 2>/dev/null; done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if ((status == 0 && keep == 0)); then rm -rf "$out"; else say "logs and results kept in $out"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# MARK: The network.
switch="${prefix}-sw"
host_ns() { echo "${prefix}-$1"; }
add_host() { # name address
  local ns port="p-$1"
  ns="$(host_ns "$1")"
  ip netns add "$ns" || die "cannot create namespace $ns"
  namespaces+=("$ns")
  # Both ends are made inside the namespaces: nothing appears in the host's own.
  ip -n "$switch" link add "$port" type veth peer name eth0 netns "$ns"
  ip -n "$switch" link set "$port" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" link set eth0 up
}
ip netns add "$switch" || die "cannot create namespace $switch"
namespaces+=("$switch")
ip -n "$switch" link add br0 type bridge
ip -n "$switch" link set br0 up
add_host c "$controller_ip"
add_host g "$generator_ip"
add_host x "$rogue_ip"
for ((i = 1; i <= workers; i++)); do add_host "w$i" "$subnet.$((10 + i))"; done
in_ns() { local ns; ns="$(host_ns "$1")"; shift; ip netns exec "$ns" "$@"; }
# Starts COMMAND in HOST's namespace in the background, appending its output to LOG. `exec` all the
# way down, so the recorded pid is the program's own and a kill reaches it.
spawn() { # name host log command...
  local name="$1" ns log="$3"
  ns="$(host_ns "$2")"
  shift 3
  (exec ip netns exec "$ns" "$@" >> "$log" 2>&1) &
  pids[$name]=$!
}

# MARK: Keys: the controller's pair, one per worker (listed), and the rogue's (not listed).
"$bin/loom-controller" keygen --out "$out/keys" --name controller >/dev/null || die "keygen failed"
: > "$out/keys/workers.keys"
for ((i = 1; i <= workers; i++)); do
  "$bin/loom-worker" keygen --out "$out/keys" --name "w$i" >/dev/null || die "keygen failed"
  grep -v '^#' "$out/keys/w$i.pub" >> "$out/keys/workers.keys"
done
"$bin/loom-worker" keygen --out "$out/keys" --name rogue >/dev/null || die "keygen failed"

# MARK: Processes.
start_controller() {
  spawn controller c "$out/logs/controller.log" "$bin/loom-controller" --workers "tcp://$controller_ip:5560" --clients "tcp://$controller_ip:5559" \
    --http "$controller_ip:8080" --heartbeat-ms "$heartbeat_ms" --liveness "$liveness" \
    --request-timeout "$request_timeout" --policy round-robin --curve-secret-key "$out/keys/controller.key" \
    --worker-keys "$out/keys/workers.keys"
}
start_worker() { # name host key [log level]
  spawn "$1" "$2" "$out/logs/$1.log" "$bin/loom-worker" serve --controller "tcp://$controller_ip:5560" "${model_args[@]}" --model-name drill \
    --id "$1" --advertise "$2" --heartbeat-ms "$heartbeat_ms" --liveness "$liveness" --threads 1 --max-running 8 \
    --kv-budget $((32 << 20)) --drain-seconds 2 --log-level "${4:-info}" \
    --curve-server-key "$out/keys/controller.pub" --curve-key "$out/keys/$3.key"
}
kill_process() { # name signal
  kill "-$2" "${pids[$1]}" 2>/dev/null
  wait "${pids[$1]}" 2>/dev/null
  unset "pids[$1]"
}

metrics() { in_ns g curl -s --max-time 1 "$http/metrics" 2>/dev/null; }
# Text captured before grep: with pipefail, a grep -q that stops reading early would fail the pipe.
worker_up() { local text; text="$(metrics)" && grep -Eq "^loom_worker_up\{worker=\"$1\"\} 1(\.0)?$" <<<"$text"; }
listed() { local text; text="$(metrics)" && grep -q "worker=\"$1\"" <<<"$text"; }
all_workers_up() {
  local text i
  text="$(metrics)" || return 1
  for ((i = 1; i <= workers; i++)); do grep -Eq "^loom_worker_up\{worker=\"w$i\"\} 1(\.0)?$" <<<"$text" || return 1; done
}
answered() {
  in_ns g curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"model":"drill","max_tokens":2,"messages":[{"role":"user","content":"hi"}]}' \
    "$http/v1/chat/completions" 2>/dev/null | grep -q '^200$'
}
whole() { all_workers_up && answered; }
lines() { cat "$@" 2>/dev/null | wc -l; }

# Waits SECONDS by the clock in short steps: one stray signal to a sleep cannot cut a fault short.
hold() { local until=$(( $(now_ms) + $1 * 1000 )); while (( $(now_ms) < until )); do sleep 0.2; done; }

# Polls CONDITION every 50 ms for up to SECONDS; prints the ms from T0 when it held, or nothing.
wait_for() { # t0 seconds condition...
  local t0="$1" until=$(( $(now_ms) + $2 * 1000 )); shift 2
  while (( $(now_ms) < until )); do
    if "$@"; then echo $(( $(now_ms) - t0 )); return 0; fi
    sleep 0.05
  done
  return 1
}

start_controller
for ((i = 1; i <= workers; i++)); do start_worker "w$i" "w$i" "w$i"; done
wait_for "$(now_ms)" 120 whole >/dev/null || die "the cluster did not come up (see $out/logs)"
say "cluster up: controller $controller_ip, $workers workers; logs in $out/logs"

# MARK: Drills.
declare -A noticed=() restored=() lasted=() labels=()
loss_tool=""
load_pid=""
start_load() { # drill
  rm -f "$out/stop"
  spawn load g "$out/logs/load.log" "$root/deploy/netns/load.sh" "$http/v1/chat/completions" drill "$clients" 5000 240 \
    "$hang_seconds" "$max_tokens" "$out/stop" "$out/results/$1"
  load_pid="${pids[load]}"
  hold 2  # load running before the fault
}
stop_load() {
  hold 1
  touch "$out/stop"
  wait "$load_pid" 2>/dev/null
  unset "pids[load]"
}
# Waits for the service to be whole again after a fault that began at T0 and ended now.
await_whole() { # drill t0
  local ms
  if ms="$(wait_for "$2" "$rejoin_bound" whole)"; then restored[$1]=$ms; else failures+=("$1: service not whole within ${rejoin_bound} s of the fault's end"); fi
}
# Starts watching in the background for CONDITION to hold; the ms go to a file for `noticed_ms`.
watch_for() { # drill t0 seconds condition...
  local drill="$1"; shift
  (wait_for "$@" > "$out/results/$drill.noticed") &
  pids[watch]=$!
}
noticed_ms() { # drill [required]
  wait "${pids[watch]}" 2>/dev/null
  unset "pids[watch]"
  local ms
  ms="$(cat "$out/results/$1.noticed" 2>/dev/null)"
  if [ -n "$ms" ]; then noticed[$1]=$ms
  elif [ "${2:-}" = required ]; then failures+=("$1: the fault was never noticed")
  fi
}
not_up() { ! worker_up "$1"; }
count_grew() { # count files...
  local before="$1"; shift
  (( $(grep -h -E "no word from the controller|registering with" "$@" 2>/dev/null | wc -l) > before ))
}
refusal_logged() { # before
  (( $(grep -c "refused a worker connection" "$out/logs/controller.log") > $1 ))
}

drill_kill() {
  start_load kill
  local t0; t0="$(now_ms)"
  watch_for kill "$t0" 30 not_up w1
  kill_process w1 KILL
  hold 1
  start_worker w1 w1 w1
  lasted[kill]=$(( $(now_ms) - t0 ))
  await_whole kill "$t0"
  stop_load
  noticed_ms kill required
}

drill_drain() {
  start_load drain
  local t0; t0="$(now_ms)"
  watch_for drain "$t0" 30 not_up w1
  kill_process w1 TERM  # returns once the worker has drained and exited
  start_worker w1 w1 w1
  lasted[drain]=$(( $(now_ms) - t0 ))
  await_whole drain "$t0"
  stop_load
  noticed_ms drain required
  local lost; lost="$(awk '$3 == "worker_lost"' "$out/results/drain" | wc -l)"
  ((lost == 0)) || failures+=("drain: $lost requests ended worker_lost although the worker drained")
}

drill_link() {
  local victim="w$workers"
  start_load link
  local t0; t0="$(now_ms)"
  watch_for link "$t0" 15 not_up "$victim"
  in_ns "$victim" ip link set eth0 down
  hold 10
  in_ns "$victim" ip link set eth0 up
  lasted[link]=$(( $(now_ms) - t0 ))
  await_whole link "$t0"
  stop_load
  noticed_ms link required
}

drill_controller() {
  local logs=() i
  for ((i = 1; i <= workers; i++)); do logs+=("$out/logs/w$i.log"); done
  local before; before="$(grep -h -E "no word from the controller|registering with" "${logs[@]}" | wc -l)"
  start_load controller
  local t0; t0="$(now_ms)"
  watch_for controller "$t0" 30 count_grew "$before" "${logs[@]}"
  kill_process controller KILL
  hold 1
  start_controller
  lasted[controller]=$(( $(now_ms) - t0 ))
  await_whole controller "$t0"
  stop_load
  noticed_ms controller required
}

drill_wrongkey() {
  local before; before="$(grep -c "refused a worker connection" "$out/logs/controller.log")"
  start_load wrongkey
  local t0; t0="$(now_ms)"
  watch_for wrongkey "$t0" 15 refusal_logged "$before"
  start_worker rogue x rogue debug
  # Watch the registry while the rogue knocks: it must never be listed.
  local until=$(( $(now_ms) + 6000 )) seen=0
  while (( $(now_ms) < until )); do
    listed rogue && seen=1
    sleep 0.1
  done
  kill_process rogue KILL
  lasted[wrongkey]=$(( $(now_ms) - t0 ))
  # Nothing was taken away: the service must still be whole.
  whole && restored[wrongkey]="never broken" || failures+=("wrongkey: the service was not whole while the rogue knocked")
  stop_load
  noticed_ms wrongkey required
  ((seen == 0)) || failures+=("wrongkey: the worker with an unlisted key was listed by the controller")
  grep -q "request " "$out/logs/rogue.log" && failures+=("wrongkey: the worker with an unlisted key was sent a request")
  grep -q "worker registered.*worker=rogue" "$out/logs/controller.log" && failures+=("wrongkey: the worker with an unlisted key registered")
}

# 2 % loss each way: tc netem on both ends of the worker's link where the kernel has netem, else
# nftables dropping a random 1 in 50 packets in and out of the worker's namespace.
loss_on() {
  if in_ns w1 tc qdisc add dev eth0 root netem loss 2% 2>/dev/null; then
    ip netns exec "$switch" tc qdisc add dev p-w1 root netem loss 2%
    loss_tool=netem
  elif command -v nft >/dev/null; then
    in_ns w1 nft -f - <<'RULES'
table inet loom_loss {
  chain input { type filter hook input priority 0; numgen random mod 50 == 0 drop; }
  chain output { type filter hook output priority 0; numgen random mod 50 == 0 drop; }
}
RULES
    loss_tool=nft
  else
    return 1
  fi
}
loss_off() {
  case "$loss_tool" in
    netem) in_ns w1 tc qdisc del dev eth0 root; ip netns exec "$switch" tc qdisc del dev p-w1 root ;;
    nft) in_ns w1 nft delete table inet loom_loss ;;
  esac
}

drill_netem() {
  start_load netem
  local t0; t0="$(now_ms)"
  watch_for netem "$t0" 30 not_up w1
  if ! loss_on; then
    failures+=("netem: this kernel has no netem and nft is missing (apt-get install nftables)")
    stop_load
    return
  fi
  labels[netem]="2% loss ($loss_tool)"
  hold 30
  loss_off
  lasted[netem]=$(( $(now_ms) - t0 ))
  await_whole netem "$t0"
  stop_load
  noticed_ms netem  # a worker that stays up through the loss is the hoped-for outcome
}

IFS=, read -r -a chosen <<<"$drills"
for drill in "${chosen[@]}"; do
  declare -F "drill_$drill" >/dev/null || die "unknown drill $drill"
  say "drill $drill"
  "drill_$drill"
done

# MARK: The table.
{
  echo "| fault | lasted ms | sent | completed | failed by kind | hung | noticed after ms | whole again after ms |"
  echo "|---|---|---|---|---|---|---|---|"
  for drill in "${chosen[@]}"; do
    file="$out/results/$drill"
    sent="$(lines "$file")"
    completed="$(awk '$3 == "ok"' "$file" 2>/dev/null | wc -l)"
    hung="$(awk '$3 == "hung"' "$file" 2>/dev/null | wc -l)"
    failed="$(awk '$3 != "ok" && $3 != "hung" { n[$3]++ } END { for (k in n) printf "%s%s: %d", (s++ ? ", " : ""), k, n[k] }' "$file" 2>/dev/null)"
    echo "| ${labels[$drill]:-$drill} | ${lasted[$drill]:--} | $sent | $completed | ${failed:-none} | $hung | ${noticed[$drill]:-never} | ${restored[$drill]:--} |"
    ((hung == 0)) || failures+=("$drill: $hung hung requests")
    ((completed > 0)) || failures+=("$drill: no request completed")
  done
} | tee "$out/drill.md"

if ((${#failures[@]})); then
  printf 'FAILED: %s\n' "${failures[@]}" | tee -a "$out/drill.md"
  exit 1
fi
echo "all expectations met" | tee -a "$out/drill.md"
