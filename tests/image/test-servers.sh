#!/usr/bin/env bash
# Tests the debug-toolkit image's clients against real servers (contract section 7, [v4]): Debian's
# MariaDB, PostgreSQL, Redis and dnsmasq, an HTTPS server (openssl s_server) and moto (a local AWS
# endpoint) run on the host, on loopback addresses only, each with a certificate from a private CA
# made here (as RDS's CA is to Debian); the clients run chrooted in the image's root file system,
# as tests/image/test-image.sh runs them:
#  - mysql connects with no TLS flag, over TLS (Ssl_cipher set), verifies with --ssl-ca and
#    --ssl-verify-server-cert, and refuses a wrong CA. The server listens on 127.0.0.2: MariaDB's
#    client skips verification for localhost and 127.0.0.1, so a test there would pass wrongly;
#  - psql connects with sslmode=verify-full (the CA given, the host name in the certificate);
#  - redis-cli answers PONG in plain text and with --tls;
#  - tcpdump -i lo captures the packets of a curl fetch from the HTTPS server;
#  - dig and nslookup resolve names of a zone defined here, from dnsmasq;
#  - aws reaches moto with --endpoint-url (sts get-caller-identity, s3 mb/cp/ls).
# Everything runs in mount and network namespaces of its own: the servers' loopback is private, so
# no port can clash with another test and nothing is reachable from outside; all stops at exit.
# Installs the servers with apt-get when missing (services are not started: policy-rc.d), and moto
# from PyPI into ~/.cache/ecs-debug-toolkit/tools/moto. Needs root. Ends with `N passed, M failed`.
#
#   tests/image/test-servers.sh <out-dir>
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 <out-dir>" >&2; exit 2; }
layout=$1
tools_dir="$HOME/.cache/ecs-debug-toolkit/tools"
moto_version=5.2.6
started=$(date +%s)

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
finish() {
  echo "test-servers.sh took $(( $(date +%s) - started )) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if [ "$(id -u)" -ne 0 ]; then echo "test-servers.sh: needs root (chroot, namespaces, servers)" >&2; exit 1; fi
[ -f "$layout/oci-layout" ] && [ -f "$layout/index.json" ] ||
  { echo "test-servers.sh: $layout is not an OCI image layout" >&2; exit 1; }

if [ "${DEBUG_TOOLKIT_TEST_NS:-}" != 1 ]; then
  # The servers and what the test needs, from Debian's packages (one apt-get update, only when
  # something is missing). dnsmasq-base is dnsmasq without its system service.
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  missing=()
  for pair in umoci:umoci jq:jq unshare:util-linux ip:iproute2 openssl:openssl \
    mariadbd:mariadb-server mariadb-install-db:mariadb-server redis-server:redis-server \
    dnsmasq:dnsmasq-base runuser:util-linux python3:python3; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    # Installing a server package must not start its service on the machine.
    added_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
      added_policy=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    rc=$?
    [ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d
    [ "$rc" -eq 0 ] || { echo "test-servers.sh: apt-get install ${missing[*]} failed" >&2; exit 1; }
  fi
  # moto (a local AWS endpoint) from PyPI, pinned, in a virtual environment of its own.
  if [ ! -x "$tools_dir/moto/bin/moto_server" ] ||
    [ "$("$tools_dir/moto/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$moto_version" ]; then
    echo "installing moto[server]==$moto_version into $tools_dir/moto"
    rm -rf "$tools_dir/moto"
    python3 -m venv "$tools_dir/moto" &&
      "$tools_dir/moto/bin/pip" install -q "moto[server]==$moto_version" ||
      { echo "test-servers.sh: could not install moto" >&2; exit 1; }
  fi
  exec unshare --mount --net --propagation private env DEBUG_TOOLKIT_TEST_NS=1 bash "$(readlink -f "$0")" "$@"
fi

# From here on: in the test's own mount and network namespaces.
ip link set lo up || { echo "test-servers.sh: cannot bring up lo in the new network namespace" >&2; exit 1; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d "${TMPDIR:-/var/tmp}/debug-toolkit-servers.XXXXXX")
mount -t tmpfs -o size=3g,mode=0755 debug-toolkit-servers "$work" || { rmdir "$work"; exit 1; }
pids=()
cleanup() {
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null; done
  umount -l "$work" && rmdir "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

echo "== unpacking the image"
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // empty' "$layout/index.json")
if ! umoci raw unpack --image "$layout${ref:+:$ref}" "$work/rootfs" >"$work/unpack.log" 2>&1; then
  cat "$work/unpack.log"; fail "umoci raw unpack"; finish
fi
rootfs="$work/rootfs"

# Runs "$@" chrooted in the image (as test-image.sh does: new mount and PID namespaces, their own
# /proc and a minimal /dev), the image's PATH, at most 60 s; the network is the test's namespace.
in_image() {
  timeout --kill-after=5 60 unshare --mount --pid --fork --kill-child --mount-proc="$rootfs/proc" \
    /bin/sh -c '
      r=$1; shift
      mount -t tmpfs -o mode=755,nosuid dev "$r/dev" || exit 125
      for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
        set -- $n "$@"; mknod -m 666 "$r/dev/$1" c "$2" "$3"; shift 3
      done
      ln -s /proc/self/fd "$r/dev/fd"
      exec chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"' sh "$rootfs" "$@"
}
# Waits until host:port accepts connections (up to $2... seconds), or the server's pid is gone.
wait_port() { # host port pid seconds
  local i=0
  while [ "$i" -lt $(($4 * 10)) ]; do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
# Prints the first lines of a log, indented.
show() { sed -n '1,8s/^/    /p' "$1"; }

echo "== a private CA and the servers' certificates"
pki="$work/pki"
mkdir -p "$pki"
make_ca() { # name
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=debug-toolkit test $1" \
    -keyout "$pki/$1.key" -out "$pki/$1.pem" 2>>"$pki/openssl.log"
}
make_cert() { # name subjectAltName
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$pki/$1.key" -out "$pki/$1.csr" \
    2>>"$pki/openssl.log" &&
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
      -days 2 -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$2") \
      -out "$pki/$1.pem" 2>>"$pki/openssl.log"
}
if make_ca ca && make_ca other-ca && make_cert mariadb 'IP:127.0.0.2,DNS:mariadb.test' &&
  make_cert postgres 'DNS:postgres.test' && make_cert redis 'IP:127.0.0.4,DNS:redis.test' &&
  make_cert www 'DNS:www.test'; then
  pass "a private CA (and a second, wrong one) and certificates for the servers"
else
  show "$pki/openssl.log"; fail "openssl could not make the certificates"; finish
fi
chmod 644 "$pki"/*.pem "$pki"/*.key
# The clients' copies of the CAs, inside the image.
cp "$pki/ca.pem" "$rootfs/tmp/test-ca.pem"
cp "$pki/other-ca.pem" "$rootfs/tmp/other-ca.pem"

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
    --bind-address=127.0.0.2 --port=3306 --skip-name-resolve --init-file="$my/init.sql" \
    --ssl-ca="$pki/ca.pem" --ssl-cert="$pki/mariadb.pem" --ssl-key="$pki/mariadb.key" \
    --require-secure-transport=ON --log-error="$my/error.log" >/dev/null 2>&1 &
  pids+=($!)
  if wait_port 127.0.0.2 3306 $! 60; then mariadb_started=1
  else show "$my/error.log"; fi
else
  show "$my/install.log"
fi
if [ -n "$mariadb_started" ]; then
  pass "MariaDB $(mariadbd --version | awk '{print $3}') listening on 127.0.0.2:3306 (TLS required)"
  mysql_q="SHOW STATUS LIKE 'Ssl_cipher'"
  # No TLS flag at all: as `mysql -h <rds endpoint>` is typed.
  out=$(in_image mysql -h 127.0.0.2 -P 3306 -u debug -pdebug-pw -N -e "$mysql_q" 2>&1)
  cipher=$(printf '%s\n' "$out" | awk '$1 == "Ssl_cipher" { print $2 }')
  [ -n "$cipher" ] && pass "mysql -h 127.0.0.2 with no TLS flag: connected over TLS ($cipher)" ||
    fail "mysql -h 127.0.0.2 with no TLS flag: $out"
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

echo "== redis-cli (redis-server, plain and TLS)"
rd="$work/redis"
mkdir -p "$rd"
redis-server --bind 127.0.0.4 --port 6379 --tls-port 6380 --tls-cert-file "$pki/redis.pem" \
  --tls-key-file "$pki/redis.key" --tls-ca-cert-file "$pki/ca.pem" --tls-auth-clients no \
  --save '' --appendonly no --dir "$rd" --daemonize no >"$rd/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.4 6380 $! 20; then
  pass "redis-server $(redis-server --version | awk '{print $3}') listening on 127.0.0.4:6379 and (TLS) :6380"
  out=$(in_image redis-cli -h 127.0.0.4 -p 6379 ping 2>&1)
  [ "$out" = PONG ] && pass "redis-cli -h 127.0.0.4 ping: PONG" || fail "redis-cli ping: $out"
  out=$(in_image redis-cli --help 2>&1)
  [[ $out == *"--tls"* ]] && pass "the image's redis-cli is built with TLS (--tls in its help)" ||
    fail "the image's redis-cli lacks --tls"
  out=$(in_image redis-cli --tls --cacert /tmp/test-ca.pem -h 127.0.0.4 -p 6380 ping 2>&1)
  [ "$out" = PONG ] && pass "redis-cli --tls --cacert <the CA> ping: PONG" || fail "redis-cli --tls ping: $out"
  out=$(in_image redis-cli --tls --cacert /tmp/other-ca.pem -h 127.0.0.4 -p 6380 ping 2>&1)
  [ "$out" != PONG ] && pass "redis-cli --tls refuses the server with another CA: $(printf '%s' "$out" | head -1)" ||
    fail "redis-cli --tls with another CA answered PONG"
else
  show "$rd/server.log"; fail "redis-server did not start"
fi

echo "== tcpdump -i lo while curl fetches over HTTPS"
web="$work/www"
mkdir -p "$web"
(cd "$web" && exec openssl s_server -quiet -www -accept 127.0.0.5:443 -cert "$pki/www.pem" \
  -key "$pki/www.key") >"$web/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.5 443 $! 20; then
  pass "an HTTPS server (openssl s_server -www) listening on 127.0.0.5:443"
  cat >"$rootfs/tmp/capture.sh" <<'EOF'
tcpdump -i lo -n --immediate-mode -U -w /tmp/https.pcap 'tcp port 443' 2>/tmp/tcpdump.err &
td=$!
i=0
until grep -q 'listening on lo' /tmp/tcpdump.err 2>/dev/null; do
  i=$((i + 1)); [ "$i" -lt 100 ] || { cat /tmp/tcpdump.err; exit 1; }; sleep 0.1
done
curl -sS --cacert /tmp/test-ca.pem --resolve www.test:443:127.0.0.5 -o /tmp/page.html \
  -w 'curl: HTTP/%{http_version} %{http_code}, %{size_download} bytes\n' https://www.test/
sleep 0.5
kill -TERM "$td"; wait "$td"
cat /tmp/tcpdump.err
tcpdump -r /tmp/https.pcap -n >/tmp/https.txt 2>&1; head -3 /tmp/https.txt; echo "packets: $(grep -c "127.0.0.5.443" /tmp/https.txt)"
EOF
  out=$(in_image /bin/sh /tmp/capture.sh 2>&1)
  printf '%s\n' "$out" | sed 's/^/    /'
  [[ $out == *"curl: HTTP/"*" 200,"* ]] && pass "curl https://www.test/ (the CA, verified): 200" ||
    fail "curl https://www.test/ did not get 200"
  packets=$(printf '%s\n' "$out" | sed -n 's/^packets: //p')
  [ "${packets:-0}" -ge 6 ] && pass "tcpdump -i lo captured $packets packets to or from 127.0.0.5:443" ||
    fail "tcpdump -i lo captured ${packets:-no} packets of the fetch"
else
  show "$web/server.log"; fail "the HTTPS server did not start"
fi

echo "== dig and nslookup (dnsmasq on 127.0.0.6 with a zone defined here)"
dns="$work/dns"
mkdir -p "$dns"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --user=root --pid-file= \
  --listen-address=127.0.0.6 --bind-interfaces --port=53 --log-facility=- \
  --host-record=db.debug.test,10.20.30.40 --txt-record=debug.test,"debug-toolkit test zone" \
  --cname=www.debug.test,db.debug.test --local=/debug.test/ >"$dns/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.6 53 $! 20; then
  pass "dnsmasq $(dnsmasq --version | awk 'NR == 1 {print $3}') listening on 127.0.0.6:53"
  out=$(in_image dig @127.0.0.6 +short db.debug.test A 2>&1)
  [ "$out" = 10.20.30.40 ] && pass "dig @127.0.0.6 db.debug.test: $out" || fail "dig db.debug.test: $out"
  out=$(in_image dig @127.0.0.6 +short www.debug.test A 2>&1 | tr '\n' ' ')
  [ "$out" = "db.debug.test. 10.20.30.40 " ] && pass "dig @127.0.0.6 www.debug.test (a CNAME): $out" ||
    fail "dig www.debug.test: $out"
  out=$(in_image dig @127.0.0.6 +short debug.test TXT 2>&1)
  [ "$out" = '"debug-toolkit test zone"' ] && pass "dig @127.0.0.6 debug.test TXT: $out" || fail "dig TXT: $out"
  out=$(in_image nslookup db.debug.test 127.0.0.6 2>&1)
  [[ $out == *"Address: 10.20.30.40"* ]] && pass "nslookup db.debug.test 127.0.0.6: 10.20.30.40" ||
    fail "nslookup db.debug.test: $out"
  out=$(in_image dig @127.0.0.6 missing.debug.test A 2>&1)
  [[ $out == *"status: NXDOMAIN"* ]] && pass "dig @127.0.0.6 missing.debug.test: NXDOMAIN" ||
    fail "dig missing.debug.test: $(printf '%s' "$out" | grep status)"
else
  show "$dns/server.log"; fail "dnsmasq did not start"
fi

echo "== aws (moto on 127.0.0.7:5000 as the endpoint)"
moto="$work/moto"
mkdir -p "$moto"
"$tools_dir/moto/bin/moto_server" -H 127.0.0.7 -p 5000 >"$moto/server.log" 2>&1 &
pids+=($!)
if wait_port 127.0.0.7 5000 $! 60; then
  pass "moto $("$tools_dir/moto/bin/python" -c 'import moto; print(moto.__version__)') listening on 127.0.0.7:5000"
  aws_env='AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_PAGER='
  out=$(in_image /bin/sh -c "$aws_env aws --endpoint-url http://127.0.0.7:5000 sts get-caller-identity --output json" 2>&1)
  account=$(printf '%s' "$out" | jq -r .Account 2>/dev/null)
  [ "$account" = 123456789012 ] && pass "aws --endpoint-url http://127.0.0.7:5000 sts get-caller-identity: account $account" ||
    fail "aws sts get-caller-identity: $out"
  out=$(in_image /bin/sh -c "export $aws_env; e='--endpoint-url http://127.0.0.7:5000'
    aws \$e s3 mb s3://debug-toolkit-test && echo hello >/tmp/hello.txt &&
    aws \$e s3 cp /tmp/hello.txt s3://debug-toolkit-test/hello.txt && aws \$e s3 ls s3://debug-toolkit-test/" 2>&1)
  [[ $out == *" 6 hello.txt"* ]] && pass "aws s3 mb, cp and ls against the endpoint: hello.txt listed" ||
    fail "aws s3 against the endpoint: $out"
else
  show "$moto/server.log"; fail "moto did not start"
fi

finish
