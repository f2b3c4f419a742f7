#!/usr/bin/env bash
# The example environment's application (infra/example-environment.yaml, AppTaskDefinition) starts
# with the settings it is given: its exact entry point, command and NGINX_CONF run with nginx on a
# read-only root file system with only /tmp writable (as on Fargate with ReadonlyRootFilesystem and
# the tmp volume), listen on AppPort and answer. Needs nginx (Debian's nginx-light; CI installs it)
# and a private mount namespace (root, or an unprivileged user namespace). The image's own nginx is the same program; its compiled-in
# paths differ, which is why the configuration names every path it writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nginx >/dev/null || { echo "test-app-config: needs nginx (apt-get install nginx-light)" >&2; exit 1; }
# As root, a mount namespace; otherwise one inside a user namespace where we are root.
namespace=(unshare -m --propagation private)
[ "$(id -u)" = 0 ] || namespace=(unshare -r -m --propagation private)
port=18089
work=$(mktemp -d -p /var/tmp)
trap 'rm -rf "$work"' EXIT
# The container as the template defines it, with AppPort resolved.
PYTHONPATH=scripts python3 - "$port" "$work" <<'PY'
import sys
from cfn_yaml import load
port, work = sys.argv[1], sys.argv[2]
template = load("infra/example-environment.yaml")
definition = template["Resources"]["AppTaskDefinition"]["Properties"]
(container,) = definition["ContainerDefinitions"]
assert container["ReadonlyRootFilesystem"] is True
assert [m["ContainerPath"] for m in container["MountPoints"]] == ["/tmp"]
assert [v["Name"] for v in definition["Volumes"]] == [container["MountPoints"][0]["SourceVolume"]]
(conf,) = [e["Value"].value for e in container["Environment"] if e["Name"] == "NGINX_CONF"]
assert "${AppPort}" in conf
# Written for the namespace below, which needs no Python and no repository (it may sit in /tmp).
open(f"{work}/argv", "w").write("\0".join(container["EntryPoint"] + container["Command"]) + "\0")
open(f"{work}/conf", "w").write(conf.replace("${AppPort}", port))
PY
# A read-only root and a fresh /tmp in a mount namespace of their own, as the task has them.
"${namespace[@]}" env WORK="$work" PORT="$port" bash -c '
  set -euo pipefail
  mount --bind "$WORK" "$WORK"   # a mount of its own stays writable for the test'"'"'s files
  mount -t tmpfs tmpfs /tmp
  mount -o remount,bind,ro /
  if touch /probe 2>/dev/null; then echo "the root is writable" >&2; exit 1; fi
  cd "$WORK"   # the repository may be under the /tmp just hidden
  mapfile -d "" -t argv < "$WORK/argv"
  NGINX_CONF="$(cat "$WORK/conf")"
  export NGINX_CONF
  "${argv[@]}" >"$WORK/stdout" 2>"$WORK/stderr" &
  app=$!
  answer=""
  for _ in $(seq 50); do
    answer=$(curl -fsS "http://127.0.0.1:$PORT/" 2>/dev/null) && break
    kill -0 "$app" 2>/dev/null || break
    sleep 0.1
  done
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  if [ "$answer" != "ok" ]; then
    echo "the application did not answer on $PORT:"; cat "$WORK/stderr"; exit 1
  fi
  grep -q "GET / HTTP" "$WORK/stdout" || { echo "no access log on stdout"; exit 1; }
'
echo "test-app-config: the example application starts read-only and answers on its port"
