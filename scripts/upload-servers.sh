#!/usr/bin/env bash
# Real servers for the upload tests, on 127.0.0.1 only: localstack S3 (PyPI localstack-core, checks
# each part's x-amz-checksum-sha256) on port 4566 and a tus 1.0 server (npm @tus/server +
# @tus/file-store, tests/servers/tus.mjs) on port 1080. Also the venv with the C2PA verifier
# (c2pa-python) that the provenance tests call.
#
#   source scripts/upload-servers.sh   (scripts/test.sh) start both, export CLIPFORGE_TEST_S3,
#                                      CLIPFORGE_TEST_TUS, CLIPFORGE_TEST_PYTHON; stop them on exit
#   bash scripts/upload-servers.sh start | stop
#
# Everything pinned: tests/servers/requirements.txt (frozen from requirements.in) into
# .cache/venv-servers, made with a Python >= 3.13 (localstack-core 2026.3 imports warnings.deprecated: python3.13 on the
# PATH, else pyenv's); tests/servers/package-lock.json with `npm ci`.
# With the variables exported, the upload tests fail when a server does not answer; without them
# (cargo test run by hand) they are skipped with a message saying how to run them.

_cf_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_cf_run="$_cf_root/.cache/servers"
_cf_venv="$_cf_root/.cache/venv-servers"

_cf_python313() {
  local c v
  for c in python3.13 python3.14 python3; do
    command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then command -v "$c"; return 0; fi
  done
  for v in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[3-9]*/bin/python3; do
    [ -x "$v" ] && "$v" -c 'import venv, ensurepip' 2>/dev/null && { echo "$v"; return 0; }
  done
  return 1
}

_cf_setup() {
  local req="$_cf_root/tests/servers/requirements.txt" stamp py
  stamp="$(sha256sum "$req" | cut -d' ' -f1)"
  if [ ! -x "$_cf_venv/bin/python" ] || [ "$(cat "$_cf_venv/.stamp" 2>/dev/null)" != "$stamp" ]; then
    py="$(_cf_python313)" || { echo "upload-servers: localstack-core needs Python >= 3.13 with venv; none found on the PATH or in pyenv" >&2; return 1; }
    echo "upload-servers: making $_cf_venv with $py" >&2
    rm -rf "$_cf_venv"
    "$py" -m venv "$_cf_venv" || return 1
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$_cf_venv/bin/pip" install -q --no-deps -r "$req" || return 1
    echo "$stamp" > "$_cf_venv/.stamp"
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || return 1
  fi
  local lock="$_cf_root/tests/servers/package-lock.json" mods="$_cf_root/tests/servers/node_modules"
  stamp="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ "$(cat "$mods/.stamp" 2>/dev/null)" != "$stamp" ]; then
    (cd "$_cf_root/tests/servers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || return 1
    echo "$stamp" > "$mods/.stamp"
  fi
}

_cf_wait() { # name url seconds
  local i
  for ((i = 0; i < $3 * 4; i++)); do
    curl -s -o /dev/null -X OPTIONS "$2" && return 0
    sleep 0.25
  done
  echo "upload-servers: $1 did not answer at $2 within $3 s (log: $_cf_run/$1.log)" >&2
  tail -20 "$_cf_run/$1.log" >&2
  return 1
}

_cf_stop() {
  local name pid
  for name in s3 tus; do
    pid="$(cat "$_cf_run/$name.pid" 2>/dev/null)" || continue
    # Each server runs in its own process group (setsid): end the group, i.e. what this script started.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    rm -f "$_cf_run/$name.pid"
  done
}

_cf_start() {
  command -v curl >/dev/null 2>&1 || { echo "upload-servers: curl is needed" >&2; return 1; }
  _cf_setup || return 1
  _cf_stop
  rm -rf "$_cf_run" && mkdir -p "$_cf_run/tus-files" "$_cf_run/localstack"
  # localstack: S3 only, no DNS server, no downloads (test certificate, analytics), state in .cache.
  # exec + setsid: the pid file holds the server itself, leader of its own process group, and the
  # caller's stdout is not held open by a waiting subshell.
  (cd "$_cf_run" && exec env GATEWAY_LISTEN=127.0.0.1:4566 SERVICES=s3 DNS_ADDRESS=0 EAGER_SERVICE_LOADING=1 \
    SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 FILESYSTEM_ROOT="$_cf_run/localstack" \
    setsid "$_cf_venv/bin/python" -m localstack.runtime.main) >"$_cf_run/s3.log" 2>&1 </dev/null &
  echo $! >"$_cf_run/s3.pid"
  (cd "$_cf_root/tests/servers" && exec setsid node tus.mjs 1080 "$_cf_run/tus-files") >"$_cf_run/tus.log" 2>&1 </dev/null &
  echo $! >"$_cf_run/tus.pid"
  _cf_wait tus http://127.0.0.1:1080/files/ 30 || { _cf_stop; return 1; }
  local i
  for ((i = 0; i < 480; i++)); do
    curl -s http://127.0.0.1:4566/_localstack/health 2>/dev/null | grep -q '"s3": "\(available\|running\)"' && break
    sleep 0.25
  done
  curl -s http://127.0.0.1:4566/_localstack/health | grep -q '"s3": "\(available\|running\)"' || {
    echo "upload-servers: localstack S3 did not come up (log: $_cf_run/s3.log)" >&2; tail -20 "$_cf_run/s3.log" >&2; _cf_stop; return 1; }
  echo "upload-servers: S3 on http://127.0.0.1:4566, tus on http://127.0.0.1:1080/files/" >&2
}

_cf_export() {
  export CLIPFORGE_TEST_S3=http://127.0.0.1:4566
  export CLIPFORGE_TEST_TUS=http://127.0.0.1:1080/files/
  export CLIPFORGE_TEST_PYTHON="$_cf_venv/bin/python"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: start, export, and stop when the calling shell exits.
  _cf_start || return 1
  _cf_export
  trap '_cf_stop' EXIT
else
  set -euo pipefail
  case "${1:-}" in
    start) _cf_start; echo "export CLIPFORGE_TEST_S3=http://127.0.0.1:4566 CLIPFORGE_TEST_TUS=http://127.0.0.1:1080/files/ CLIPFORGE_TEST_PYTHON=$_cf_venv/bin/python" ;;
    stop) _cf_stop ;;
    setup) _cf_setup ;;
    *) echo "usage: bash scripts/upload-servers.sh start|stop|setup   (or: source it)" >&2; exit 2 ;;
  esac
fi
