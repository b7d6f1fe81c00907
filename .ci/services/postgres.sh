# shellcheck shell=bash
# A throwaway PostgreSQL server for the tests that need a real one (test/adapters/postgres.test.ts,
# test/adapters/concurrency.test.ts). Sourced, not executed, by .ci/run: it exports DATABASE_URL and
# registers an EXIT trap that stops the server and removes its directory.
#
# Because it is sourced it must not `exit`, must not `set -e` the caller, and must not replace a
# trap the caller already has: everything runs inside functions with local variables, failures
# print a warning and leave DATABASE_URL unset (the PostgreSQL tests then skip), and the EXIT trap
# is chained in front of any existing one.
#
# Debian's server refuses to run as root, so when we are root the cluster is created and run as the
# `postgres` system user in a directory it owns. It listens only on 127.0.0.1, on a free port, with
# trust authentication (nothing but this machine can reach it, and it lives only as long as the run).
#
# By hand:  bash -c 'source .ci/services/postgres.sh; psql "$DATABASE_URL" -c "select 1"'

ci_postgres_dir=""
ci_postgres_bin=""
ci_postgres_user=""

ci_postgres_warn() {
  echo "postgres.sh: $*; the PostgreSQL server tests will be skipped" >&2
}

# Runs a command as the user that owns the cluster (ourselves unless we are root). It runs from the
# cluster's directory, because `postgres` may not be allowed into the caller's working directory.
ci_postgres_as_owner() {
  if [ -n "$ci_postgres_user" ] && command -v runuser >/dev/null 2>&1; then
    (cd "$ci_postgres_dir" && runuser -u "$ci_postgres_user" -- "$@")
  elif [ -n "$ci_postgres_user" ]; then
    (cd "$ci_postgres_dir" && su -s /bin/sh "$ci_postgres_user" -c "$(printf '%q ' "$@")")
  else
    (cd "$ci_postgres_dir" && "$@")
  fi
}

# The newest /usr/lib/postgresql/*/bin holding a server, or nothing.
ci_postgres_find_bin() {
  local candidate
  # The glob sorts lexically (10 before 9); sort by version so the newest wins.
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/postgres" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && echo "$candidate"
  done | sort -V | tail -n 1
}

ci_postgres_free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  fi
}

ci_postgres_stop() {
  if [ -n "$ci_postgres_dir" ] && [ -d "$ci_postgres_dir" ]; then
    if [ -f "$ci_postgres_dir/data/postmaster.pid" ]; then
      ci_postgres_as_owner "$ci_postgres_bin/pg_ctl" stop -D "$ci_postgres_dir/data" -m fast -s >/dev/null 2>&1 || true
    fi
    rm -rf "$ci_postgres_dir"
  fi
  ci_postgres_dir=""
}

ci_postgres_start() {
  if [ -n "${DATABASE_URL:-}" ]; then
    echo "postgres.sh: DATABASE_URL is already set; using that server"
    return 0
  fi

  ci_postgres_bin=$(ci_postgres_find_bin)
  if [ -z "$ci_postgres_bin" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      ci_postgres_warn "no PostgreSQL server under /usr/lib/postgresql and not root to install one"
      return 0
    fi
    echo "postgres.sh: installing Debian's postgresql package"
    # The package lists may be missing or stale on a fresh machine: update once, then retry.
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || true
    fi
    ci_postgres_bin=$(ci_postgres_find_bin)
    if [ -z "$ci_postgres_bin" ]; then
      ci_postgres_warn "apt-get install postgresql failed"
      return 0
    fi
  fi

  local port
  port=$(ci_postgres_free_port)
  if [ -z "$port" ]; then
    ci_postgres_warn "found no free loopback port (neither node nor python3 answered)"
    return 0
  fi

  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      ci_postgres_warn "running as root but there is no 'postgres' user to run the server as"
      return 0
    fi
    ci_postgres_user=postgres
    # /tmp rather than $TMPDIR: the postgres user must be able to reach the directory.
    ci_postgres_dir=$(mktemp -d /tmp/caf-step-down-pg.XXXXXX) || { ci_postgres_warn "mktemp failed"; return 0; }
    chown postgres: "$ci_postgres_dir"
  else
    ci_postgres_dir=$(mktemp -d "${TMPDIR:-/tmp}/caf-step-down-pg.XXXXXX") || { ci_postgres_warn "mktemp failed"; return 0; }
  fi
  chmod 700 "$ci_postgres_dir"

  # Register the cleanup before starting anything, chained in front of the caller's EXIT trap.
  local previous=""
  eval "set -- $(trap -p EXIT)"
  [ $# -ge 3 ] && previous=$3
  if [ -n "$previous" ]; then
    # shellcheck disable=SC2064 # expand now: the caller's command is kept as it was when we were sourced.
    trap "ci_postgres_stop; $previous" EXIT
  else
    trap ci_postgres_stop EXIT
  fi

  # --no-sync only skips flushing initdb's own files; the running server keeps its default fsync.
  if ! ci_postgres_as_owner "$ci_postgres_bin/initdb" -D "$ci_postgres_dir/data" -U postgres -A trust -E UTF8 \
    --locale=C --no-sync >"$ci_postgres_dir/initdb.log" 2>&1; then
    ci_postgres_warn "initdb failed: $(tail -n 5 "$ci_postgres_dir/initdb.log")"
    ci_postgres_stop
    return 0
  fi

  # Listen on loopback only; the Unix socket goes in our own directory (Debian's default
  # /var/run/postgresql may not exist or belong to someone else).
  if ! ci_postgres_as_owner "$ci_postgres_bin/pg_ctl" start -D "$ci_postgres_dir/data" -l "$ci_postgres_dir/server.log" -w -t 60 -s \
    -o "-p $port -h 127.0.0.1 -k $ci_postgres_dir" >/dev/null 2>&1; then
    ci_postgres_warn "the server did not start: $(tail -n 5 "$ci_postgres_dir/server.log" 2>/dev/null)"
    ci_postgres_stop
    return 0
  fi

  local tries=0
  until "$ci_postgres_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; do
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ]; then
      ci_postgres_warn "the server did not accept connections within 20 s"
      ci_postgres_stop
      return 0
    fi
    sleep 0.2
  done

  if ! "$ci_postgres_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres caf_step_down >/dev/null 2>&1; then
    ci_postgres_warn "createdb failed"
    ci_postgres_stop
    return 0
  fi

  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/caf_step_down"
  echo "postgres.sh: PostgreSQL $("$ci_postgres_bin/postgres" --version | sed "s/^postgres (PostgreSQL) //") on 127.0.0.1:$port (data in $ci_postgres_dir)"
}

ci_postgres_start
