#!/usr/bin/env bash
# Tests the debug-toolkit image's clients against real servers (contract section 7, [v4]): Debian's
# MariaDB, PostgreSQL, Redis and dnsmasq, an HTTPS server (openssl s_server) and moto (a local AWS
# endpoint) run on the host, on loopback addresses only, each with a certificate from a private CA
# made here (as RDS's CA is to Debian); the clients run chrooted in the image's root file system,
# as tests/image/test-image.sh runs them:
#  - mysql connects with no TLS flag, over TLS (Ssl_cipher set), as a user without a password (MariaDB
#    11.4+ clients take an untrusted certificate when they can check it against the password's
#    hash); the control, --ssl-verify-server-cert without the CA, fails with "ERROR 2026 ... NOT
#    trusted"; --ssl-ca alone takes a certificate not naming the host (127.0.0.9), with
#    --ssl-verify-server-cert it refuses it; it verifies with --ssl-ca and --ssl-verify-server-cert
#    and refuses a wrong CA. The server listens on 127.0.0.2 and .9: MariaDB's client skips
#    verification for localhost and 127.0.0.1, so a test there would pass wrongly;
#  - psql connects with sslmode=verify-full (the CA given, the host name in the certificate);
#  - redis-cli answers PONG in plain text and with --tls;
#  - tcpdump -i lo captures the packets of a curl fetch from the HTTPS server;
#  - dig and nslookup resolve names of a zone defined here, from dnsmasq;
#  - aws reaches moto with --endpoint-url (sts get-caller-identity, s3 mb/cp/ls).
# Everything runs in mount, network and PID namespaces of its own: the servers' loopback is private,
# so no port can clash with another test and nothing is reachable from outside; all stops at exit,
# even when the test is killed (SIGKILL: the PID namespace goes, and its servers with it).
# Installs the servers with apt-get when missing (services are not started: policy-rc.d, removed
# again by a trap; then disabled at boot: systemctl disable, or update-rc.d), and moto
# from PyPI into ~/.cache/ecs-debug-toolkit/tools/moto. Needs root. Ends with `N passed, M failed`.
#
#   tests/image/test-servers.sh <out-dir>
# The parts: servers/lib.sh (packages, namespaces, image, CA), servers/db.sh, servers/net.sh.
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

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/image/servers/lib.sh
. "$here/servers/lib.sh"
# shellcheck source=tests/image/servers/db.sh
. "$here/servers/db.sh"
# shellcheck source=tests/image/servers/net.sh
. "$here/servers/net.sh"

finish
