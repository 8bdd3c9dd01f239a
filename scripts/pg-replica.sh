#!/usr/bin/env bash
# A real streaming replica (PostgreSQL's own physical replication, a hot standby) of a running
# PostgreSQL server: for reports read from a replica (NETFIN_READ_DATABASE_URL) and their test.
#
#   scripts/pg-replica.sh start [--primary URL] [--dir DIR] [--port PORT]   prints the replica's URL
#   scripts/pg-replica.sh stop  [--dir DIR] [--remove]
#   scripts/pg-replica.sh status [--dir DIR]
#   scripts/pg-replica.sh run [--primary URL] [--dir DIR] [--port PORT] -- COMMAND...
#       starts a replica, runs COMMAND with NETFIN_TEST_REPLICA_URL set, then stops and removes it
#
# The primary (default: $DATABASE_URL) needs wal_level=replica (the default), a free WAL sender
# (max_wal_senders, default 10), and a role that may replicate (a superuser or REPLICATION) with a
# `replication` line in pg_hba.conf for this host (initdb's defaults have one for 127.0.0.1).
# `start` copies the primary with `pg_basebackup -R` (which writes standby.signal and
# primary_conninfo) into DIR/data and starts it on PORT as a hot standby. It is idempotent: a replica
# already running in DIR is left as it is; one stopped there is started again (it catches up from the
# primary); one of another primary is refused. No replication slot is created, so a replica removed
# without `stop` leaves nothing behind on the primary; the price is that a replica stopped for long
# may find the WAL it needs recycled, and then `stop --remove` and `start` copy it afresh.
# The primary itself is never stopped, restarted or reconfigured.
set -euo pipefail

DIR=/tmp/netfin-pg-replica
PORT=""
PRIMARY="${DATABASE_URL:-}"
REMOVE=false
DIR_GIVEN=false

command_name="${1:-}"
[ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --primary) PRIMARY="$2"; shift 2 ;;
    --dir) DIR="$2"; DIR_GIVEN=true; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --remove) REMOVE=true; shift ;;
    --) shift; break ;;
    *) echo "pg-replica: unknown argument $1" >&2; exit 2 ;;
  esac
done

find_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_basebackup" ] && { echo "$dir"; return 0; }
  done
  command -v pg_basebackup >/dev/null 2>&1 && { dirname "$(command -v pg_basebackup)"; return 0; }
  return 1
}
PG_BIN=$(find_pg_bin) || { echo "pg-replica: PostgreSQL's binaries (pg_basebackup) not found" >&2; exit 1; }

# PostgreSQL refuses to run as root: the replica's files and server belong to `postgres` then.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN_AS=(runuser -u postgres --)
fi
as_pg() { if [ ${#RUN_AS[@]} -gt 0 ]; then "${RUN_AS[@]}" "$@"; else "$@"; fi; }

DATA="$DIR/data"

running() { [ -f "$DATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# The primary's URL into shell variables: PRIMARY_USER, PRIMARY_HOST, PRIMARY_PORT, PRIMARY_DB, PGPASSWORD.
parse_primary() {
  [ -n "$PRIMARY" ] || { echo "pg-replica: name the primary with --primary URL or DATABASE_URL" >&2; exit 2; }
  eval "$(node -e '
    const u = new URL(process.argv[1]);
    const q = (s) => "\x27" + String(s).replaceAll("\x27", "\x27\\\x27\x27") + "\x27";
    console.log(`PRIMARY_USER=${q(decodeURIComponent(u.username) || "postgres")}`);
    console.log(`PRIMARY_HOST=${q(u.hostname || "127.0.0.1")}`);
    console.log(`PRIMARY_PORT=${q(u.port || "5432")}`);
    console.log(`PRIMARY_DB=${q(decodeURIComponent(u.pathname.slice(1)) || "postgres")}`);
    if (u.password) console.log(`export PGPASSWORD=${q(decodeURIComponent(u.password))}`);
  ' "$PRIMARY")"
}

replica_url() {
  echo "postgres://$PRIMARY_USER@127.0.0.1:$(cat "$DIR/port")/$PRIMARY_DB"
}

start() {
  parse_primary
  local origin="$PRIMARY_HOST:$PRIMARY_PORT"
  if [ -f "$DIR/primary" ] && [ "$(cat "$DIR/primary")" != "$origin" ]; then
    echo "pg-replica: $DIR holds a replica of $(cat "$DIR/primary"), not of $origin (stop --remove it first)" >&2
    exit 1
  fi
  if running; then
    replica_url
    return 0
  fi
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  [ ${#RUN_AS[@]} -gt 0 ] && chown postgres "$DIR"
  # A copy cut short (no standby.signal) is started over.
  if [ -d "$DATA" ] && [ ! -f "$DATA/standby.signal" ]; then rm -rf "$DATA"; fi
  if [ ! -d "$DATA" ]; then
    echo "pg-replica: copying $origin into $DATA (pg_basebackup)" >&2
    as_pg "$PG_BIN/pg_basebackup" -D "$DATA" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
      -R -X stream -c fast --no-password
    echo "$origin" >"$DIR/primary"
  fi
  if [ -z "$PORT" ]; then
    if [ -f "$DIR/port" ]; then PORT=$(cat "$DIR/port"); else
      PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    fi
  fi
  echo "$PORT" >"$DIR/port"
  # A hot standby must allow at least as much as its primary (else it refuses to start): copy those.
  local settings
  settings=$("$PG_BIN/psql" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d "$PRIMARY_DB" -X -A -t -c \
    "select string_agg(format('-c %s=%s', name, setting), ' ') from pg_settings
     where name in ('max_connections', 'max_worker_processes', 'max_wal_senders',
                    'max_prepared_transactions', 'max_locks_per_transaction')")
  # hot_standby_feedback: a long report is not cancelled by the primary's vacuum removing rows it reads.
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 120 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c hot_standby=on -c hot_standby_feedback=on $settings" \
    start >/dev/null
  echo "pg-replica: hot standby of $origin on 127.0.0.1:$PORT (log $DIR/server.log)" >&2
  replica_url
}

stop() {
  if [ -d "$DATA" ] && running; then
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "pg-replica: stopped the replica in $DIR" >&2
  fi
  if [ "$REMOVE" = true ]; then rm -rf "$DIR"; fi
}

case "$command_name" in
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "running on 127.0.0.1:$(cat "$DIR/port") (replica of $(cat "$DIR/primary"))"
    else echo "not running"; exit 3; fi ;;
  run)
    [ $# -gt 0 ] || { echo "pg-replica: run needs a command after --" >&2; exit 2; }
    if [ "$DIR_GIVEN" = false ]; then DIR=$(mktemp -d /tmp/netfin-pg-replica.XXXXXX); DATA="$DIR/data"; fi
    REMOVE=true
    trap 'stop' EXIT INT TERM
    NETFIN_TEST_REPLICA_URL=$(start)
    export NETFIN_TEST_REPLICA_URL
    "$@"
    ;;
  *)
    sed -n '2,20p' "$0" >&2
    exit 2 ;;
esac
