# Sourced by bench/run.sh and fuzz/run.sh: starts an itsm-host binary on a port with a fresh
# state directory, stops it on exit, and waits until it answers (a debug host compiles the
# components first, so it may take minutes). Sets $host (the pid) and $state (the directory).
# Usage: start_host BINARY PORT [EXTRA up ARGUMENTS...]
start_host() {
  local binary=$1 port=$2
  shift 2
  state=$(mktemp -d)
  trap 'kill "$host" 2>/dev/null || true; rm -rf "$state"' EXIT
  "$binary" up --listen "127.0.0.1:$port" --state-dir "$state" "$@" 2>"$state/host.log" &
  host=$!
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$port/.well-known/spin/health" >/dev/null && return 0
    kill -0 "$host" 2>/dev/null || { cat "$state/host.log"; exit 1; }
    sleep 0.5
  done
  echo "the host did not answer within 5 minutes"
  exit 1
}
