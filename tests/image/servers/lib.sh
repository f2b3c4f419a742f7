#!/usr/bin/env bash
# Sourced by tests/image/test-servers.sh: the servers' packages, the test's namespaces, its tmpfs,
# the unpacked image, in_image/wait_port/show, and the private CA with the servers' certificates.
# shellcheck shell=bash disable=SC2154

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
    # Installing a server package must not start its service on the machine: policy-rc.d, removed
    # however this ends (a trap) when this script put it there.
    added_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      trap '[ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d' EXIT
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
      added_policy=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    rc=$?
    [ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d
    added_policy=""
    trap - EXIT
    [ "$rc" -eq 0 ] || { echo "test-servers.sh: apt-get install ${missing[*]} failed" >&2; exit 1; }
    # Nor at the next boot: the tests start their own instances.
    for svc in mariadb postgresql redis-server; do
      if [ -d /run/systemd/system ]; then systemctl disable --quiet "$svc" 2>/dev/null || true
      elif command -v update-rc.d >/dev/null && [ -e "/etc/init.d/$svc" ]; then update-rc.d "$svc" disable >/dev/null 2>&1 || true
      fi
    done
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
  # A PID namespace too, its init this script: when it dies (even by SIGKILL) the kernel kills
  # every server it started.
  exec unshare --mount --net --pid --fork --kill-child --mount-proc --propagation private \
    env DEBUG_TOOLKIT_TEST_NS=1 bash "$(readlink -f "$0")" "$@"
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

