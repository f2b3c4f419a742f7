#!/usr/bin/env bash
# Tests the debug-toolkit image in an OCI image layout (scripts/build-image.sh's <out-dir>):
#  - its config: no Entrypoint, Cmd empty or a shell, User root, linux/amd64, the labels;
#  - its root file system runs each tool (`--version` or equivalent), printed as `tool | version`;
#  - the task definition's heartbeat (shared/src/heartbeat.rs's SCRIPT, run as ecs-environment
#    registers it: entryPoint ["/bin/sh","-c"], the script as the one command element) prints
#    `debug-toolkit: session open` within 70 s of a process named ssm-session-worker starting,
#    nothing while there is none, and exits 0 on TERM. (It runs while the tools are tested: the
#    real period is a minute.)
# Everything runs chrooted in the root file system, unpacked on a tmpfs, in new mount and PID
# namespaces with their own /proc and a minimal /dev (as a container runtime gives), so nothing is
# left mounted or running.
# Needs root. Ends with `N passed, M failed` (exit 1 on any failure).
#
#   tests/image/test-image.sh <out-dir>
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 <out-dir>" >&2; exit 2; }
layout=$1
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
heartbeat_rs="$root_dir/shared/src/heartbeat.rs"
version_file="$root_dir/infra/debug-toolkit-image/VERSION"
packages_file="$root_dir/infra/debug-toolkit-image/packages.txt"
line='debug-toolkit: session open'
limit_seconds=70

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if [ "$(id -u)" -ne 0 ]; then echo "test-image.sh: needs root (chroot, namespaces)" >&2; exit 1; fi
missing=()
for pair in umoci:umoci jq:jq unshare:util-linux chroot:coreutils timeout:coreutils; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -f "$layout/oci-layout" ] && [ -f "$layout/index.json" ] && [ -d "$layout/blobs" ] ||
  { echo "test-image.sh: $layout is not an OCI image layout" >&2; exit 1; }

# The rest runs in a mount namespace of its own, with the root file system on a tmpfs: unpacking
# and removing half a gigabyte on a busy disk took longer than the tests, and whatever the end,
# nothing stays mounted or written.
if [ "${DEBUG_TOOLKIT_TEST_NS:-}" != 1 ]; then
  exec unshare --mount --propagation private env DEBUG_TOOLKIT_TEST_NS=1 bash "$(readlink -f "$0")" "$@"
fi
work=$(mktemp -d "${TMPDIR:-/var/tmp}/debug-toolkit-test.XXXXXX")
mount -t tmpfs -o size=3g,mode=0700 debug-toolkit-test "$work" || { rmdir "$work"; exit 1; }
driver_pid="" watcher_pid=""
cleanup() {
  [ -z "$watcher_pid" ] || kill "$watcher_pid" 2>/dev/null
  [ -z "$driver_pid" ] || { kill "$driver_pid" 2>/dev/null; wait "$driver_pid" 2>/dev/null; }
  umount -l "$work" && rmdir "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

blob() { echo "$layout/blobs/${1%%:*}/${1#*:}"; }
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // empty' "$layout/index.json")
manifest=$(jq -r '.manifests[0].digest' "$layout/index.json")
config=$(blob "$(jq -r '.config.digest' "$(blob "$manifest")")")
echo "image: $layout${ref:+ (ref $ref)}, manifest $manifest"

echo "== config"
label() { jq -r --arg k "$1" '.config.Labels[$k] // empty' "$config"; }
if [ "$(jq -r '.config.Entrypoint // [] | length' "$config")" = 0 ]; then pass "no Entrypoint"
else fail "Entrypoint is $(jq -c .config.Entrypoint "$config")"; fi
cmd=$(jq -c '.config.Cmd // []' "$config")
case $cmd in '[]' | '["/bin/sh"]') pass "Cmd $cmd" ;; *) fail "Cmd is $cmd" ;; esac
user=$(jq -r '.config.User // ""' "$config")
case $user in '' | root | 0 | 0:0 | root:root) pass "User '${user}' (root)" ;; *) fail "User is '$user'" ;; esac
platform=$(jq -r '"\(.os)/\(.architecture)"' "$config")
[ "$platform" = linux/amd64 ] && pass "platform $platform" || fail "platform is $platform"
want_version=$(tr -d '[:space:]' <"$version_file")
got_version=$(label org.opencontainers.image.version)
[ "$got_version" = "$want_version" ] && pass "label org.opencontainers.image.version=$got_version" ||
  fail "label org.opencontainers.image.version is '$got_version', VERSION says '$want_version'"
[ -n "$(label org.opencontainers.image.licenses)" ] && pass "label org.opencontainers.image.licenses set" ||
  fail "label org.opencontainers.image.licenses missing"
packages_label=$(label ecs-debug-toolkit.packages)
unlisted="" count=0
while read -r pkg; do
  count=$((count + 1))
  [[ "; $packages_label" == *"; $pkg="[0-9]*" ("*")"* ]] || unlisted+=" $pkg"
done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$packages_file" | grep -v '^$')
[ "$count" -gt 0 ] || unlisted=" (no package read from $packages_file)"
[ -z "$unlisted" ] && pass "label ecs-debug-toolkit.packages: every package of packages.txt with its version and licence" ||
  fail "label ecs-debug-toolkit.packages lacks:$unlisted"

echo "== unpacking"
if ! umoci raw unpack --image "$layout${ref:+:$ref}" "$work/rootfs" >"$work/unpack.log" 2>&1; then
  cat "$work/unpack.log"; fail "umoci raw unpack"; finish
fi
rootfs="$work/rootfs"
echo "root file system: $(du -sh "$rootfs" | cut -f1) unpacked"

# Runs "$@" chrooted in the image with the image's PATH, in new mount and PID namespaces with their
# own /proc and a minimal /dev; at most $limit seconds (default 60). image_cmd sets cmd to that
# command line (so that a background one's $! is timeout's, which passes a TERM on).
in_image() { image_cmd "$@"; "${cmd[@]}"; }
image_cmd() {
  cmd=(timeout --kill-after=5 "${limit:-60}"
    unshare --mount --pid --fork --kill-child --mount-proc="$rootfs/proc"
    /bin/sh -c '
      r=$1; shift
      mount -t tmpfs -o mode=755,nosuid dev "$r/dev" || exit 125
      for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
        set -- $n "$@"; mknod -m 666 "$r/dev/$1" c "$2" "$3"; shift 3
      done
      ln -s /proc/self/fd "$r/dev/fd"
      exec chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"' sh "$rootfs" "$@")
}

echo "== heartbeat (runs while the tools are tested)"
# SCRIPT's raw string literal in shared/src/heartbeat.rs, byte for byte.
script=$(awk '
  !on && /pub const SCRIPT: &str = r#"/ { on = 1; sub(/.*r#"/, "") }
  on && /"#;/ { sub(/"#;.*/, ""); print; exit }
  on { print }' "$heartbeat_rs")
if [[ $script == "trap "* ]] && [[ $script == *"echo '$line'"* ]] && [[ $script == *done ]]; then
  pass "heartbeat script read from shared/src/heartbeat.rs ($(printf '%s\n' "$script" | wc -l) lines)"
else
  fail "could not read SCRIPT from $heartbeat_rs"; finish
fi
# As the task definition runs it: argv ["/bin/sh", "-c", SCRIPT], the image's environment (no
# HEARTBEAT_SECONDS: the real period, 60 s). The driver stands in for the container's init: it
# starts the heartbeat, then (when told) the session worker, then stops the heartbeat with TERM as
# ECS does.
printf '%s' "$script" >"$rootfs/tmp/heartbeat.sh"
cp "$rootfs/usr/bin/sleep" "$rootfs/tmp/ssm-session-worker"
cat >"$rootfs/tmp/heartbeat-driver.sh" <<'EOF'
wait_for() { until [ -e "$1" ]; do sleep 0.1; done; }
/bin/sh -c "$(cat /tmp/heartbeat.sh)" >/tmp/heartbeat.out 2>&1 &
heartbeat=$!
: >/tmp/heartbeat.started
wait_for /tmp/start-worker
/tmp/ssm-session-worker 600 &
worker=$!
: >/tmp/worker.started
wait_for /tmp/stop
kill -TERM "$heartbeat"
wait "$heartbeat"
echo $? >/tmp/heartbeat.exit
kill "$worker"
EOF
wait_file() { # file seconds
  local i=0
  while [ ! -e "$1" ] && [ "$i" -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
  [ -e "$1" ]
}
limit=150 image_cmd /bin/sh /tmp/heartbeat-driver.sh
"${cmd[@]}" >"$work/driver.log" 2>&1 &
driver_pid=$!
if ! wait_file "$rootfs/tmp/heartbeat.started" 20; then
  fail "the heartbeat did not start: $(cat "$work/driver.log")"; finish
fi
sleep 3
if [ -s "$rootfs/tmp/heartbeat.out" ]; then
  fail "printed without a session: $(head -3 "$rootfs/tmp/heartbeat.out")"
else
  pass "nothing printed while no ssm-session-worker runs (3 s)"
fi
: >"$rootfs/tmp/start-worker"
wait_file "$rootfs/tmp/worker.started" 10 || { fail "the session worker did not start"; finish; }
worker_started=$(date +%s%N)
echo "ssm-session-worker started; watching for '$line' (up to $limit_seconds s: the real 60 s period) while the tools run"
# Notes how long after the worker started the line came (empty: not within the limit).
watch_heartbeat() {
  local now
  while :; do
    now=$(date +%s%N)
    if grep -qxF "$line" "$rootfs/tmp/heartbeat.out" 2>/dev/null; then
      echo $(((now - worker_started) / 1000000)) >"$work/elapsed_ms"; return
    fi
    if [ $(((now - worker_started) / 1000000000)) -ge "$limit_seconds" ]; then
      : >"$work/elapsed_ms"; return
    fi
    sleep 0.2
  done
}
watch_heartbeat &
watcher_pid=$!

echo "== tools"
# tool | command | what its output must match (an extended regex)
tools=(
  "curl|curl --version|^curl [0-9]"
  "wget|wget --version|^GNU Wget [0-9]"
  "dig|dig -v|^DiG [0-9]"
  "nslookup|nslookup -version|^nslookup [0-9]"
  "nc (netcat)|nc -h|netcat"
  "tcpdump|tcpdump --version|^tcpdump version [0-9]"
  "aws (AWS CLI v2)|aws --version|^aws-cli/2\."
  "jq|jq --version|^jq-[0-9]"
  "yq|yq --version|^yq [0-9]"
  "vim|vim --version|^VIM - Vi IMproved [0-9]"
  "htop|htop --version|^htop [0-9]"
  "psql|psql --version|^psql \(PostgreSQL\) [0-9]"
  "mysql|mysql --version|MariaDB"
  "redis-cli|redis-cli --version|^redis-cli [0-9]"
  "/bin/sh|/bin/sh -c 'echo \"dash \$(dpkg-query -W -f=\\\${Version} dash)\"'|^dash [0-9]"
  "script|script --version|^script from util-linux"
  "cat|cat --version|^cat \(GNU coreutils\)"
  "ps (procps)|ps --version|^ps from procps"
  "sleep (heartbeat)|sleep --version|^sleep \(GNU coreutils\)"
  "less (aws's pager)|less --version|^less [0-9]"
)
table=()
for entry in "${tools[@]}"; do
  IFS='|' read -r tool command pattern <<<"$entry"
  out=$(in_image /bin/sh -c "$command" 2>&1)
  status=$?
  first=$(printf '%s\n' "$out" | grep -m1 -E "$pattern")
  if [ "$status" -eq 0 ] && [ -n "$first" ]; then
    pass "$tool: $command"
    table+=("$tool|$first")
  else
    fail "$tool: \`$command\` exited $status: $(printf '%s' "$out" | head -3)"
    table+=("$tool|FAILED")
  fi
done
# caching_sha2_password (RDS MySQL 8.4's default authentication): the client's plugin is there
# (Debian's MariaDB server cannot create such a user, so no login test holds it).
sha2=/usr/lib/x86_64-linux-gnu/libmariadb3/plugin/caching_sha2_password.so
[ -f "$rootfs$sha2" ] && pass "mysql's caching_sha2_password plugin: $sha2" ||
  fail "no $sha2 (mysql could not log in to RDS MySQL 8.4's default authentication)"

# session-manager-plugin: both builds install AWS's package when they can download it; an offline
# build has none and says so in its label (tests/image/test-extras.sh tests both branches). Either way binary and label agree.
smp_label=$(label ecs-debug-toolkit.session-manager-plugin)
if in_image /bin/sh -c 'command -v session-manager-plugin' >/dev/null 2>&1; then
  smp=$(in_image session-manager-plugin --version 2>&1)
  [ "$smp_label" = installed ] && pass "session-manager-plugin $smp, label says installed" ||
    fail "session-manager-plugin present, label says '$smp_label'"
  table+=("session-manager-plugin|$smp")
else
  [[ $smp_label == absent* ]] && pass "session-manager-plugin absent, and the label says so" ||
    fail "session-manager-plugin absent, label says '$smp_label'"
  table+=("session-manager-plugin|absent (offline build; label ecs-debug-toolkit.session-manager-plugin says so)")
fi
echo
printf '%-24s | %s\n' tool version
printf '%-24s-|-%s\n' ------------------------ -------
for row in ${table[@]+"${table[@]}"}; do printf '%-24s | %s\n' "${row%%|*}" "${row#*|}"; done
echo

echo "== heartbeat (the session line)"
wait "$watcher_pid"
watcher_pid=""
elapsed_ms=$(cat "$work/elapsed_ms")
if [ -n "$elapsed_ms" ]; then
  pass "heartbeat printed '$line' $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)) | cut -c1) s after ssm-session-worker started (limit $limit_seconds s)"
else
  fail "no '$line' within $limit_seconds s of ssm-session-worker starting"
fi
: >"$rootfs/tmp/stop"
if wait_file "$rootfs/tmp/heartbeat.exit" 10; then
  code=$(cat "$rootfs/tmp/heartbeat.exit")
  [ "$code" = 0 ] && pass "heartbeat exits 0 on TERM" || fail "heartbeat exited $code on TERM"
else
  fail "heartbeat still running 10 s after TERM"
fi
other=$(grep -vxF "$line" "$rootfs/tmp/heartbeat.out")
[ -z "$other" ] && pass "heartbeat printed nothing but '$line' ($(grep -c . "$rootfs/tmp/heartbeat.out") line(s))" ||
  fail "heartbeat printed other lines: $other"
wait "$driver_pid" 2>/dev/null
driver_pid=""
finish
