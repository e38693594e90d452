#!/usr/bin/env bash
# Cross-compiling in the images' builder stage, which runs on the build
# platform: the C++ is compiled natively for TARGETARCH (Debian's cross
# toolchain and its multiarch -dev packages), never under emulation.
# For the build platform's own architecture every step is the native one.
#
#   cross.sh deps ARCH         installs g++-TRIPLET and the ARCH -dev packages
#   cross.sh configure ARCH CMAKE_ARGS...  cmake, targeting ARCH
#   cross.sh strip ARCH FILE   strips FILE with ARCH's strip
#   cross.sh libs ARCH FILE    prints the shared libraries FILE needs (with its
#                              loader), as ldd would, read from its ELF headers
set -euo pipefail

usage="usage: cross.sh deps|configure|strip|libs ARCH [ARGS]"
command=${1:?$usage}
arch=${2:-}
native=$(dpkg --print-architecture)
[ -n "$arch" ] || arch=$native

# Debian architecture -> GNU triplet (the cross packages' and lib dirs' name).
triplet() {
  case "$1" in
    amd64) echo x86_64-linux-gnu ;;
    arm64) echo aarch64-linux-gnu ;;
    *) echo "cross.sh: no cross toolchain known for '$1' (amd64, arm64)" >&2; return 2 ;;
  esac
}

case "$command" in
  deps)
    [ "$arch" != "$native" ] || exit 0
    gnu=$(triplet "$arch")
    dpkg --add-architecture "$arch"
    apt-get update -q
    # libstdc++6 and libc6 of ARCH: the console image copies them from here.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "g++-${gnu//_/-}" "libtelnet-dev:$arch" "libboost-dev:$arch" "libstdc++6:$arch" "libc6:$arch"
    ;;
  configure)
    shift 2
    if [ "$arch" = "$native" ]; then exec cmake "$@"; fi
    gnu=$(triplet "$arch")
    # pkg-config (libtelnet) reads ARCH's .pc files only.
    PKG_CONFIG_LIBDIR=/usr/lib/$gnu/pkgconfig:/usr/share/pkgconfig exec cmake "$@" \
      -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="${gnu%%-*}" \
      -DCMAKE_C_COMPILER="$gnu-gcc" -DCMAKE_CXX_COMPILER="$gnu-g++" \
      -DCMAKE_LIBRARY_ARCHITECTURE="$gnu"
    ;;
  strip)
    file=${3:?$usage}
    if [ "$arch" = "$native" ]; then exec strip "$file"; fi
    exec "$(triplet "$arch")-strip" "$file"
    ;;
  libs)
    file=${3:?$usage}
    if [ "$arch" = "$native" ]; then
      ldd "$file" | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }' | sort -u
      exit 0
    fi
    gnu=$(triplet "$arch")
    # Breadth-first over DT_NEEDED, searched where ARCH's loader looks.
    todo=("$file") seen=" "
    readelf -l "$file" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p'
    while [ "${#todo[@]}" -gt 0 ]; do
      current=${todo[0]} todo=("${todo[@]:1}")
      for lib in $(readelf -d "$current" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        case "$seen" in *" $lib "*) continue ;; esac
        seen="$seen$lib "
        path=
        for dir in "/lib/$gnu" "/usr/lib/$gnu"; do
          if [ -e "$dir/$lib" ]; then path=$dir/$lib; break; fi
        done
        [ -n "$path" ] || { echo "cross.sh: $lib (needed by $current) not found for $arch" >&2; exit 1; }
        echo "$path"
        todo+=("$path")
      done
    done | sort -u
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
