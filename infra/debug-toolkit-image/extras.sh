#!/bin/sh
# What the debug-toolkit image takes from outside Debian, each checked against a SHA-256 pinned here,
# for both builds (the Dockerfile and scripts/build-image.sh). docs/image.md tells more.
#  - session-manager-plugin: AWS's Debian package (amd64), a fixed version from AWS's documented
#    download (https://s3.amazonaws.com/session-manager-downloads/plugin/<version>/ubuntu_64bit/);
#  - Amazon RDS's CA bundle (every region's CAs, for `mysql --ssl-ca ... --ssl-verify-server-cert`
#    and `psql sslmode=verify-full`), installed as /etc/ssl/certs/rds-global-bundle.pem.
#
#   sh extras.sh fetch <download-dir>    downloads each into <download-dir>/<name> and checks it:
#                                        a download that fails leaves it out (status 0; the build
#                                        goes on without it), a wrong SHA-256 stops (status 1) for
#                                        the plugin (its URL is versioned); for the RDS bundle (a
#                                        mutable URL: AWS replaces the file when RDS adds a CA) it
#                                        leaves the bundle out with a loud warning and records the
#                                        new SHA-256 in <download-dir>/rds-global-bundle.pem.changed.
#                                        With --required (the Dockerfile), a failed download stops too.
#   sh extras.sh install <download-dir>  installs what <download-dir> holds into this system (run
#                                        chrooted in the image's root file system, or in the
#                                        Dockerfile's build) and writes
#                                        /usr/share/ecs-debug-toolkit/extras.txt: `<name> installed
#                                        <version>` or `<name> absent` per line.
#
# To move to a new version: change the pin below after checking the new file's SHA-256 from a
# machine that can reach it (`curl -fsSL <url> | sha256sum`); a new pin is a new image (VERSION).
#
# Environment (tests only: a stand-in for the download and its SHA-256):
#   DEBUG_TOOLKIT_SMP_URL, DEBUG_TOOLKIT_SMP_SHA256, DEBUG_TOOLKIT_RDS_CA_URL, DEBUG_TOOLKIT_RDS_CA_SHA256
set -eu

smp_version=1.2.835.0
smp_url=${DEBUG_TOOLKIT_SMP_URL:-https://s3.amazonaws.com/session-manager-downloads/plugin/$smp_version/ubuntu_64bit/session-manager-plugin.deb}
smp_sha256=${DEBUG_TOOLKIT_SMP_SHA256:-7c6dcad12518571cc7959a713e6a8ae1bdf6ed66fd9bee37dc189e39ca58ae03}
# AWS replaces this file when RDS adds a CA: then the pin stops matching, and the build goes on
# without it, loudly (label `absent: upstream changed (sha256 ...)`), until the pin is moved.
rds_ca_url=${DEBUG_TOOLKIT_RDS_CA_URL:-https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem}
rds_ca_sha256=${DEBUG_TOOLKIT_RDS_CA_SHA256:-e5bb2084ccf45087bda1c9bffdea0eb15ee67f0b91646106e466714f9de3c7e3}
rds_ca_path=/etc/ssl/certs/rds-global-bundle.pem

say() { echo "extras.sh: $*" >&2; }

# fetch_one <name> <url> <sha256> <dir> <required> [mutable]
fetch_one() {
  if ! curl -fsSL --connect-timeout 10 --max-time 300 --retry 2 -o "$4/$1.part" "$2" 2>"$4/$1.err"; then
    say "$1: could not download $2: $(tail -n 1 "$4/$1.err")"
    rm -f "$4/$1.part" "$4/$1.err"
    if [ "$5" = 1 ]; then return 1; fi
    say "$1: going on without it"
    return 0
  fi
  rm -f "$4/$1.err"
  got=$(sha256sum "$4/$1.part" | cut -d' ' -f1)
  if [ "$got" != "$3" ] && [ "${6:-}" = mutable ]; then
    rm -f "$4/$1.part"
    echo "$got" >"$4/$1.changed"
    say "WARNING: ***** $1: $2 has SHA-256 $got, not the pinned $3 (AWS changed the file upstream):"
    say "WARNING: ***** going on WITHOUT it (label: absent: upstream changed); check the new file and pin it"
    return 0
  fi
  if [ "$got" != "$3" ]; then
    say "$1: $2 has SHA-256 $got, not the pinned $3: refusing it (a new file upstream? check it, then pin it)"
    rm -f "$4/$1.part"
    return 1
  fi
  mv "$4/$1.part" "$4/$1"
  say "$1: downloaded $2, SHA-256 $got as pinned"
}

fetch() {
  dir=$1 required=$2
  mkdir -p "$dir"
  fetch_one session-manager-plugin.deb "$smp_url" "$smp_sha256" "$dir" "$required"
  fetch_one rds-global-bundle.pem "$rds_ca_url" "$rds_ca_sha256" "$dir" "$required" mutable
}

install_extras() {
  dir=$1 record=/usr/share/ecs-debug-toolkit/extras.txt
  mkdir -p "$(dirname "$record")"
  : >"$record"
  if [ -f "$dir/session-manager-plugin.deb" ]; then
    # Its maintainer scripts start a service when PID 1 is init or systemd: neither in a Docker
    # build, and build-image.sh's chroot has no /proc. Its postinst links the binary into
    # /usr/local/bin.
    dpkg -i "$dir/session-manager-plugin.deb" >/dev/null
    # The package's binary, wherever it puts it, on PATH: this must run.
    version=$(session-manager-plugin --version)
    echo "session-manager-plugin installed $version" >>"$record"
    say "session-manager-plugin $version installed"
  else
    echo "session-manager-plugin absent" >>"$record"
  fi
  if [ -f "$dir/rds-global-bundle.pem" ]; then
    install -m 644 "$dir/rds-global-bundle.pem" "$rds_ca_path"
    echo "rds-ca-bundle installed $rds_ca_path" >>"$record"
    say "Amazon RDS CA bundle installed as $rds_ca_path"
  elif [ -f "$dir/rds-global-bundle.pem.changed" ]; then
    echo "rds-ca-bundle absent-changed $(cat "$dir/rds-global-bundle.pem.changed")" >>"$record"
  else
    echo "rds-ca-bundle absent" >>"$record"
  fi
}

case ${1:-} in
  fetch)
    [ $# -ge 2 ] || { say "usage: extras.sh fetch <download-dir> [--required]"; exit 2; }
    fetch "$2" "$([ "${3:-}" = --required ] && echo 1 || echo 0)" ;;
  install)
    [ $# -eq 2 ] || { say "usage: extras.sh install <download-dir>"; exit 2; }
    install_extras "$2" ;;
  pins)
    # One line per download: name, URL, SHA-256 (what the build's cache key reads).
    echo "session-manager-plugin.deb $smp_url $smp_sha256"
    echo "rds-global-bundle.pem $rds_ca_url $rds_ca_sha256" ;;
  *)
    say "usage: extras.sh fetch <download-dir> [--required] | install <download-dir> | pins"; exit 2 ;;
esac
