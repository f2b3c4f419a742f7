#!/usr/bin/env bash
# Sourced by scripts/build-image.sh (part of its cache key): the image's package manifest and
# licence labels. `licence_of <copyright file>`; `package_manifest <rootfs>` (reads the caller's
# `listed` array, sets `packages_label` and `licences_label`).
# shellcheck shell=bash disable=SC2154

# A short SPDX-like licence summary of a Debian copyright file: the header's License, else that of
# `Files: *`, else the first License field (machine-readable format); for free-form files the
# common-licenses file it names or the licence its text gives.
licence_of() {
  awk '
    function spdx(l,   n, i, w, out) {
      n = split(l, w, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        if (w[i] == "or") w[i] = "OR"; else if (w[i] == "and") w[i] = "AND"
        else if (w[i] ~ /^L?GPL-[0-9.]+\+,?$/) { sub(/\+/, "", w[i]); sub(/-[0-9]$/, "&.0", w[i]); w[i] = w[i] "-or-later" }
        else if (w[i] ~ /^L?GPL-[0-9.]+,?$/) { sub(/-[0-9]$/, "&.0", w[i]); w[i] = w[i] "-only" }
        else if (w[i] ~ /^BSD-[0-9]-clause$/) sub(/clause/, "Clause", w[i])
        else if (w[i] == "Expat") w[i] = "MIT"
        out = out (i > 1 ? " " : "") w[i]
      }
      return out
    }
    FNR == 1 && /^(Format|Format-Specification):/ { dep5 = 1 }
    /^Files:/ { seen_files = 1; star = ($2 == "*"); next }
    /^License:/ {
      l = $0; sub(/^License:[ \t]*/, "", l); sub(/[ \t]+$/, "", l)
      if (l == "") next
      if (!seen_files && header == "") header = l
      if (star && star_l == "") star_l = l
      if (first == "") first = l
      next
    }
    /^[ \t]*$/ { star = 0 }
    cl == "" && match($0, /common-licenses\/[A-Za-z0-9.+-]+/) {
      cl = substr($0, RSTART + 16, RLENGTH - 16); sub(/[.]$/, "", cl)
    }
    /GNU (Lesser|Library) General Public License/ { lgpl = 1 }
    /GNU General Public License/ { gpl = 1 }
    /Permission is hereby granted, free of charge/ { mit = 1 }
    /Redistribution and use in source and binary forms/ { bsd = 1 }
    /Apache License/ { apache = 1 }
    END {
      if (dep5 && header != "") r = spdx(header)
      else if (dep5 && star_l != "") r = spdx(star_l)
      else if (dep5 && first != "") r = spdx(first)
      # Free-form files: the name of the text they point to, as Debian names it (GPL-3 may mean
      # "or later" there), or the licence their text names.
      else if (cl != "") r = cl
      else if (gpl) r = "GPL"
      else if (lgpl) r = "LGPL"
      else if (apache) r = "Apache-2.0"
      else if (mit) r = "MIT"
      else if (bsd) r = "BSD"
      else r = "LicenseRef-see-copyright"
      print r
    }' "$1"
}

# Writes <rootfs>/usr/share/ecs-debug-toolkit/packages.tsv (every installed package, its version and
# licence) and sets the labels' package list and licences.
package_manifest() {
  local rootfs=$1 admin="$1/var/lib/dpkg" pkg ver src lic other
  local -A licence_by_pkg=()
  local tsv="$rootfs/usr/share/ecs-debug-toolkit/packages.tsv"
  mkdir -p "$(dirname "$tsv")"
  printf 'package\tversion\tlicence\n' >"$tsv"
  while IFS=$'\t' read -r pkg ver src; do
    if [ -f "$rootfs/usr/share/doc/$pkg/copyright" ]; then
      lic=$(licence_of "$rootfs/usr/share/doc/$pkg/copyright")
    else
      # Its doc folder is a link to another package's of the same source (dropped with the docs).
      lic="LicenseRef-see-copyright"
      src=${src%% *}
      for other in $(dpkg-query --admindir="$admin" -W -f='${Package} ${source:Package}\n' |
        awk -v s="${src:-$pkg}" '$2 == s { print $1 }'); do
        if [ -f "$rootfs/usr/share/doc/$other/copyright" ]; then
          lic=$(licence_of "$rootfs/usr/share/doc/$other/copyright"); break
        fi
      done
    fi
    licence_by_pkg[$pkg]=$lic
    printf '%s\t%s\t%s\n' "$pkg" "$ver" "$lic" >>"$tsv"
  done < <(dpkg-query --admindir="$admin" -W -f='${Package}\t${Version}\t${source:Package}\n' | LC_ALL=C sort)

  packages_label="" licences_label=""
  local -A seen=()
  local labelled=("${listed[@]}")
  # AWS's plugin when installed: Apache-2.0 (github.com/aws/session-manager-plugin), whether or not
  # its package carries a copyright file.
  if [ -n "${licence_by_pkg[session-manager-plugin]:-}" ]; then
    labelled+=(session-manager-plugin)
    [ "${licence_by_pkg[session-manager-plugin]}" != LicenseRef-see-copyright ] ||
      licence_by_pkg[session-manager-plugin]=Apache-2.0
  fi
  for pkg in ${labelled[@]+"${labelled[@]}"}; do
    ver=$(dpkg-query --admindir="$admin" -W -f='${Version}' "$pkg")
    lic=${licence_by_pkg[$pkg]}
    packages_label+="${packages_label:+; }$pkg=$ver ($lic)"
    if [ -z "${seen[$lic]:-}" ]; then
      seen[$lic]=1
      case $lic in *" "*) lic="($lic)" ;; esac
      licences_label+="${licences_label:+ AND }$lic"
    fi
  done
}
