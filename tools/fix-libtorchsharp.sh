#!/usr/bin/env bash
# Two fixes to TorchSharp 0.107.0's native glue, libLibTorchSharp.so, in a build output (never the NuGet cache).
# Run by Directory.Build.targets after every build. Idempotent. Needs g++, python3 and patchelf.
#
# 1. Scalar lifetime (everywhere): TorchSharp frees a temporary Scalar from its .NET finalizer, which a garbage
#    collection on another thread can run while libtorch is still reading the scalar (see scalar_release_shim.cpp;
#    without this, a training run died after a few epochs with "Expected false to be true" in Scalar::toDouble).
#    The library's THSTorch_dispose_scalar is hidden and libgy_scalar_release.so, added as a dependency, provides one
#    that frees two seconds later.
# 2. libstdc++ (Debian 12 only): the library was built with GCC 13 and needs GLIBCXX_3.4.32 only for
#    std::ios_base_library_init; Debian 12's libstdc++ stops at GLIBCXX_3.4.30. libstdcxx_compat.so provides that
#    function and the version requirement is made weak. Skipped where the system libstdc++ is new enough.
# Usage: fix-libtorchsharp.sh DIR...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for tool in patchelf g++ python3; do
  command -v "$tool" >/dev/null || { echo "fix-libtorchsharp: error: '$tool' is missing; run: sudo apt-get install -y patchelf g++ python3" >&2; exit 1; }
done
libstdcxx="$( (ldconfig -p 2>/dev/null || true) | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')"
old_libstdcxx=1
if [ -n "$libstdcxx" ] && grep -qa "GLIBCXX_3.4.32" "$libstdcxx"; then old_libstdcxx=0; fi

for dir in "$@"; do
  for so in $(find "$dir" -name libLibTorchSharp.so 2>/dev/null); do
    d="$(dirname "$so")"
    need_scalar=0; need_libstdcxx=0
    if readelf --dyn-syms -W "$so" | grep -w "THSTorch_dispose_scalar" >/dev/null; then need_scalar=1; fi   # not grep -q: readelf would die of SIGPIPE under pipefail
    if [ "$old_libstdcxx" = 1 ] && readelf -V "$so" | grep "GLIBCXX_3.4.32  Flags: none" >/dev/null; then need_libstdcxx=1; fi
    [ "$need_scalar" = 1 ] || [ "$need_libstdcxx" = 1 ] || continue
    tmp="$so.tmp.$$"; cp "$so" "$tmp"
    if [ "$need_libstdcxx" = 1 ]; then
      [ -f "$d/libstdcxx_compat.so" ] || g++ -O2 -shared -fPIC -o "$d/libstdcxx_compat.so" "$here/iosinit_shim.cpp"
      patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$tmp"
      patchelf --add-needed libstdcxx_compat.so "$tmp"
      python3 "$here/weaken_verneed.py" "$tmp" GLIBCXX_3.4.32 >/dev/null
    fi
    if [ "$need_scalar" = 1 ]; then
      g++ -O2 -shared -fPIC -o "$d/libgy_scalar_release.so" "$here/scalar_release_shim.cpp"
      python3 "$here/hide_dynsym.py" "$tmp" THSTorch_dispose_scalar >/dev/null
      patchelf --add-needed libgy_scalar_release.so "$tmp"
    fi
    mv -f "$tmp" "$so"; echo "fix-libtorchsharp: patched $so"
  done
done
