#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on the addresses in the environment (.env),
# starting the machine's own services when they are local and down.
set -euo pipefail

# A value from the environment wins; else the one in .env (read, never executed); else the default.
from_env_file() {
    [ -f .env ] || return 0
    sed -n "s/^$1=//p" .env | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}
db_url=${DATABASE_URL:-$(from_env_file DATABASE_URL)}
db_url=${db_url:-postgres://postgres@127.0.0.1:5432/corroborate}
redis_url=${CELERY_BROKER_URL:-${REDIS_URL:-$(from_env_file CELERY_BROKER_URL)}}
redis_url=${redis_url:-$(from_env_file REDIS_URL)}
redis_url=${redis_url:-redis://127.0.0.1:6379/0}
db_host=$(python3 -c "import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(p.hostname or '127.0.0.1', p.port or 5432)" "$db_url")
redis_host=$(python3 -c "import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(p.hostname or '127.0.0.1', p.port or 6379)" "$redis_url")
read -r pg_host pg_port <<<"$db_host"
read -r rd_host rd_port <<<"$redis_host"

pg_up() { pg_isready -q -h "$pg_host" -p "$pg_port"; }
redis_up() { [ "$(redis-cli -h "$rd_host" -p "$rd_port" ping 2>/dev/null)" = "PONG" ]; }
local_host() { [ "$1" = 127.0.0.1 ] || [ "$1" = localhost ]; }

if ! pg_up; then
    if local_host "$pg_host" && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        echo "Starting PostgreSQL…"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
    fi
fi
if ! redis_up; then
    if local_host "$rd_host" && command -v redis-server >/dev/null; then
        echo "Starting Redis…"
        redis-server --daemonize yes --bind 127.0.0.1 --port "$rd_port" --save "" --appendonly no
    fi
fi

for _ in $(seq 1 30); do
    if pg_up && redis_up; then
        exit 0
    fi
    sleep 1
done
pg_up || echo "PostgreSQL does not answer at $pg_host:$pg_port (DATABASE_URL)." >&2
redis_up || echo "Redis does not answer at $rd_host:$rd_port (REDIS_URL)." >&2
exit 1
