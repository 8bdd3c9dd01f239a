#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server: installs PostgreSQL with apt-get when it is
# absent, initdb's a temporary cluster, starts it on a free loopback port, exports DATABASE_URL,
# runs the command, and stops and removes the cluster on exit, whatever happens.
#   scripts/with-postgres.sh npm test
set -euo pipefail

find_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

PG_BIN=$(find_pg_bin || true)
if [ -z "$PG_BIN" ]; then
  echo "with-postgres: PostgreSQL not found; installing it with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(find_pg_bin)
fi

# PostgreSQL refuses to run as root; run the server as an unprivileged user in that case.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  id "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home "$PG_USER"
  RUN_AS=(runuser -u "$PG_USER" --)
fi

PG_DIR=$(mktemp -d /tmp/netfin-pg.XXXXXX)
chmod 755 "$PG_DIR"
[ ${#RUN_AS[@]} -gt 0 ] && chown "$PG_USER" "$PG_DIR"
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

cleanup() {
  local status=$?
  # A failed run shows what the server said (lock waits over a second, deadlocks, errors).
  if [ "$status" -ne 0 ] && [ -f "$PG_DIR/server.log" ]; then
    echo "with-postgres: the command failed ($status); the server log's last lines:" >&2
    tail -n 60 "$PG_DIR/server.log" >&2 || true
  fi
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT INT TERM

"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U netfin --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-p $PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c fsync=on -c log_lock_waits=on" start >/dev/null
"${RUN_AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U netfin netfin

export DATABASE_URL="postgres://netfin@127.0.0.1:$PORT/netfin"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $DATABASE_URL" >&2
"$@"
