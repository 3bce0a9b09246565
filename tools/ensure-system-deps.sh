#!/usr/bin/env bash
# Makes sure the system libraries GhostYolo needs on Linux are present, before the build uses them:
#   libgtk-3-0  — OpenCvSharp's official Linux runtime links against GTK 3;
#   patchelf, g++, python3 — tools/fix-libtorchsharp.sh patches TorchSharp's native glue with them.
# Installs what is missing when running as root with apt-get; otherwise stops with the exact command to run.
# Run by Directory.Build.targets before every build; a no-op (a few ms) when everything is there.
set -euo pipefail
missing=()
if ! (ldconfig -p 2>/dev/null | grep -q "libgtk-3.so.0"); then missing+=(libgtk-3-0); fi
command -v patchelf >/dev/null || missing+=(patchelf)
command -v g++ >/dev/null || missing+=(g++)
command -v python3 >/dev/null || missing+=(python3-minimal)
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "ghostyolo setup: installing ${missing[*]} (one time)"
  lock=/tmp/ghostyolo-apt.lock
  (
    flock 9
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ) 9>"$lock"
  echo "ghostyolo setup: done"
else
  echo "error: GhostYolo needs ${missing[*]}. Run: sudo sh -c '$cmd'" >&2
  exit 1
fi
