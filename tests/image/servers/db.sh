#!/usr/bin/env bash
# Sourced by tests/image/test-servers.sh: mysql against MariaDB with TLS, psql against PostgreSQL.
# shellcheck shell=bash disable=SC2154

echo "== mysql (MariaDB server with TLS on 127.0.0.2)"
my="$work/mariadb"
mkdir -p "$my/data"
cat >"$my/init.sql" <<'EOF'
CREATE USER IF NOT EXISTS 'debug'@'%' IDENTIFIED BY 'debug-pw';
GRANT ALL ON *.* TO 'debug'@'%';
EOF
mariadb_started=""
if mariadb-install-db --no-defaults --user=root --datadir="$my/data" --auth-root-authentication-method=socket \
  --skip-test-db >"$my/install.log" 2>&1; then
  # A second server without TLS, from a copy of the same data: PREFERRED falls back to plain text.
  cp -a "$my/data" "$my/data-plain"
  mariadbd --no-defaults --user=root --datadir="$my/data-plain" --socket="$my/sock-plain" \
    --pid-file="$my/pid-plain" --bind-address=127.0.0.8 --port=3306 --skip-name-resolve \
    --init-file="$my/init.sql" --skip-ssl --log-error="$my/error-plain.log" >/dev/null 2>&1 &
  plain_pid=$!
  pids+=("$plain_pid")
  mariadbd --no-defaults --user=root --datadir="$my/data" --socket="$my/sock" --pid-file="$my/pid" \
    --bind-address=127.0.0.2,127.0.0.9 --port=3306 --skip-name-resolve --init-file="$my/init.sql" \
    --ssl-ca="$pki/ca.pem" --ssl-cert="$pki/mariadb.pem" --ssl-key="$pki/mariadb.key" \
    --require-secure-transport=ON --log-error="$my/error.log" >/dev/null 2>&1 &
  pids+=($!)
  if wait_port 127.0.0.2 3306 $! 60; then mariadb_started=1
  else show "$my/error.log"; fi
else
  show "$my/install.log"
fi
if [ -n "$mariadb_started" ]; then
  pass "MariaDB $(mariadbd --version | awk '{print $3}') listening on 127.0.0.2 and .9:3306 (TLS required)"
  mysql_q="SHOW STATUS LIKE 'Ssl_cipher'"
  # No TLS flag at all: as `mysql -h <rds endpoint>` is typed. With a password: MariaDB's 11.4+
  # client skips verification for a user without one (no CA, no flag, TCP), so a passwordless
  # check would pass on an image that verifies by default.
  out=$(in_image mysql -h 127.0.0.2 -P 3306 -u debug -pdebug-pw -N -e "$mysql_q" 2>&1)
  cipher=$(printf '%s\n' "$out" | awk '$1 == "Ssl_cipher" { print $2 }')
  [ -n "$cipher" ] && pass "mysql -h 127.0.0.2 with no TLS flag: connected over TLS ($cipher)" ||
    fail "mysql -h 127.0.0.2 with no TLS flag: $out"
  # The control: verification asked for, no CA given (the client's own default), which must fail.
  # A MariaDB 11.4+ server lets 11.4+ clients accept an untrusted certificate through the password's
  # hash (mysql_native_password, ed25519, parsec): then this connects, and the check above proves
  # nothing on this host; this fails rather than let it pass wrongly.
  if out=$(in_image mysql -h 127.0.0.2 -P 3306 -u debug -pdebug-pw --ssl-verify-server-cert -N -e "$mysql_q" 2>&1); then
    fail "control: mysql --ssl-verify-server-cert without the CA connected (the server verifies through the password's hash, MariaDB >= 11.4?): the no-flag check proves nothing here: $out"
  else
    [[ $out == *"ERROR 2026"*"NOT trusted"* ]] && pass "control: mysql --ssl-verify-server-cert without the CA: $out" ||
      fail "control: mysql --ssl-verify-server-cert without the CA failed otherwise: $out"
  fi
  # The configuration turns verification off, yet --ssl-ca alone verifies (MariaDB's client: a CA
  # given means verify, its signature and the host name): a certificate whose name is not the host's
  # (127.0.0.9) is refused, as with --ssl-verify-server-cert added.
  for flag in "" --ssl-verify-server-cert; do
    if out=$(in_image mysql -h 127.0.0.9 -P 3306 -u debug -pdebug-pw --ssl-ca=/tmp/test-ca.pem ${flag:+"$flag"} \
      -N -e "$mysql_q" 2>&1); then
      fail "mysql --ssl-ca=<the CA> ${flag:-alone} took a certificate not naming 127.0.0.9: $out"
    else
      [[ $out == *"ERROR 2026"*"Hostname verification failed"* ]] &&
        pass "mysql --ssl-ca=<the CA> ${flag:-alone} -h 127.0.0.9 (not in the certificate): $out" ||
        fail "mysql --ssl-ca=<the CA> ${flag:-alone} to 127.0.0.9 failed otherwise: $out"
    fi
  done
  out=$(in_image mysql -h 127.0.0.2 -P 3306 -u debug -pdebug-pw --ssl-ca=/tmp/test-ca.pem \
    --ssl-verify-server-cert -N -e "$mysql_q" 2>&1)
  cipher=$(printf '%s\n' "$out" | awk '$1 == "Ssl_cipher" { print $2 }')
  [ -n "$cipher" ] && pass "mysql --ssl-ca=<the CA> --ssl-verify-server-cert: verified, over TLS ($cipher)" ||
    fail "mysql --ssl-ca=<the CA> --ssl-verify-server-cert: $out"
  if [ -n "${plain_pid:-}" ] && wait_port 127.0.0.8 3306 "$plain_pid" 60; then
    out=$(in_image mysql -h 127.0.0.8 -P 3306 -u debug -pdebug-pw -N -e "$mysql_q" 2>&1)
    # One row, Ssl_cipher with an empty value: connected, not encrypted.
    [ "$(printf '%s\n' "$out" | awk '$1 == "Ssl_cipher" { print NF }')" = 1 ] &&
      pass "mysql -h 127.0.0.8 with no TLS flag, a server without TLS: connected in plain text (PREFERRED)" ||
      fail "mysql -h 127.0.0.8 with no TLS flag, a server without TLS: $out"
  else
    show "$my/error-plain.log"; fail "the MariaDB server without TLS did not start"
  fi
  if out=$(in_image mysql -h 127.0.0.2 -P 3306 -u debug -pdebug-pw --ssl-ca=/tmp/other-ca.pem \
    --ssl-verify-server-cert -N -e "$mysql_q" 2>&1); then
    fail "mysql --ssl-ca=<another CA> --ssl-verify-server-cert connected: $out"
  else
    [[ $out == *"ERROR 2026"* ]] && pass "mysql refuses a server certificate from another CA: $out" ||
      fail "mysql with another CA failed, but not with a TLS error: $out"
  fi
else
  fail "MariaDB did not start"
fi

echo "== psql (PostgreSQL with TLS, sslmode=verify-full)"
pg="$work/postgres"
mkdir -p "$pg/sock"
install -o postgres -m 600 "$pki/postgres.key" "$pg/server.key"
printf 'debug-pw\n' >"$pg/pwfile"
chown -R postgres "$pg"
pg_started=""
if runuser -u postgres -- "$pg_bin/initdb" -D "$pg/data" -U postgres --pwfile="$pg/pwfile" \
  --auth=scram-sha-256 >"$pg/initdb.log" 2>&1; then
  cat >"$pg/data/pg_hba.conf" <<'EOF'
local   all all               scram-sha-256
hostssl all all 127.0.0.0/8   scram-sha-256
EOF
  runuser -u postgres -- "$pg_bin/postgres" -D "$pg/data" -c listen_addresses=127.0.0.3 -c port=5432 \
    -c unix_socket_directories="$pg/sock" -c ssl=on -c ssl_cert_file="$pki/postgres.pem" \
    -c ssl_key_file="$pg/server.key" >"$pg/server.log" 2>&1 &
  pids+=($!)
  if wait_port 127.0.0.3 5432 $! 30; then pg_started=1; else show "$pg/server.log"; fi
else
  show "$pg/initdb.log"
fi
if [ -n "$pg_started" ]; then
  pass "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') listening on 127.0.0.3:5432 (TLS only)"
  conn="host=postgres.test hostaddr=127.0.0.3 port=5432 user=postgres dbname=postgres password=debug-pw"
  out=$(in_image psql "$conn sslmode=verify-full sslrootcert=/tmp/test-ca.pem" -Atc \
    "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()" 2>&1)
  [[ $out == "t|TLS"* ]] && pass "psql sslmode=verify-full (host postgres.test, the CA): over ${out#t|}" ||
    fail "psql sslmode=verify-full: $out"
  if out=$(in_image psql "$conn sslmode=verify-full sslrootcert=/tmp/other-ca.pem" -Atc 'SELECT 1' 2>&1); then
    fail "psql verify-full with another CA connected: $out"
  else
    [[ $out == *certificate* ]] && pass "psql refuses the server with another CA: $(printf '%s' "$out" | head -1)" ||
      fail "psql with another CA failed, but not on the certificate: $out"
  fi
else
  fail "PostgreSQL did not start"
fi

