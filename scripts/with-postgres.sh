#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL on 127.0.0.1, then remove it again.
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
# Nothing of it needs to survive a crash: no fsync, and the least WAL (wal_level=minimal), which also lets the
# test databases' tables be created and truncated without writing their contents to the WAL.
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/wijkkracht-pg.XXXXXX)
port=${PGPORT_TEST:-$(( 20000 + RANDOM % 20000 ))}
as_owner=()
if [ "$(id -u)" = "0" ]; then
  chown postgres:postgres "$tmp"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_owner[@]}" "$pg_bin/initdb" -D "$tmp/data" -U wijkkracht --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0" start >/dev/null
"${as_owner[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U wijkkracht wijkkracht

echo "Throwaway PostgreSQL on 127.0.0.1:$port"
DATABASE_URL="postgres://wijkkracht@127.0.0.1:$port/wijkkracht" "$@"
