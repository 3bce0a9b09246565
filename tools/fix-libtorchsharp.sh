#!/usr/bin/env bash
# Make TorchSharp 0.107.0's libLibTorchSharp.so (built with GCC 13; it needs GLIBCXX_3.4.32 only for
# std::ios_base_library_init) load on Debian 12, whose libstdc++ stops at GLIBCXX_3.4.30.
# Run by Directory.Build.targets after every build. Idempotent; a no-op where the system libstdc++ already
# provides GLIBCXX_3.4.32 (Ubuntu 24.04, Debian 13), so users there run the package unmodified.
# Needs g++, python3 and patchelf. Usage: fix-libtorchsharp.sh DIR...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
libstdcxx="$( (ldconfig -p 2>/dev/null || true) | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')"
if [ -n "$libstdcxx" ] && grep -qa "GLIBCXX_3.4.32" "$libstdcxx"; then exit 0; fi
for dir in "$@"; do
  for so in $(find "$dir" -name libLibTorchSharp.so 2>/dev/null); do
    d="$(dirname "$so")"
    if ! readelf -V "$so" | grep -q "GLIBCXX_3.4.32  Flags: none"; then continue; fi
    for tool in patchelf g++ python3; do
      command -v "$tool" >/dev/null || { echo "fix-libtorchsharp: error: '$tool' is missing; run: sudo apt-get install -y patchelf g++ python3" >&2; exit 1; }
    done
    [ -f "$d/libstdcxx_compat.so" ] || g++ -O2 -shared -fPIC -o "$d/libstdcxx_compat.so" "$here/iosinit_shim.cpp"
    tmp="$so.tmp.$$"; cp "$so" "$tmp"
    patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$tmp"
    patchelf --add-needed libstdcxx_compat.so "$tmp"
    python3 "$here/weaken_verneed.py" "$tmp" GLIBCXX_3.4.32 >/dev/null
    mv -f "$tmp" "$so"; echo "fix-libtorchsharp: patched $so"
  done
done
