#!/bin/sh
# Icarus Verilog 12 is VerilogEval v2's simulator of record: Debian 12's iverilog 11.0 stops on enum casts
# in two references (Prob151, Prob156: "sorry: This cast operation is not yet supported").  Debian 13 ships
# the source package iverilog 12.0-2; this script fetches its upstream tarball from Debian's own archive through a private apt
# configuration (the system's sources.list stays as it is), builds it and installs it into a cached prefix.
# Idempotent: a prefix whose iverilog already reports version 12 is kept.
set -eu
PREFIX="${IVERILOG12_PREFIX:-$HOME/.cache/chisel-agent/iverilog-12}"
if [ -x "$PREFIX/bin/iverilog" ] && "$PREFIX/bin/iverilog" -V 2>/dev/null | head -1 | grep -q 'version 12'; then
  echo "iverilog 12 already in $PREFIX"; exit 0
fi
command -v apt-get >/dev/null || { echo "apt-get not found: install Icarus Verilog 12 into $PREFIX yourself"; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial" "$WORK/src"
echo "deb-src http://deb.debian.org/debian trixie main" > "$WORK/sources.list"
APT="-o Dir::Etc::SourceList=$WORK/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$WORK/lists"
# shellcheck disable=SC2086
apt-get $APT update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq autoconf gperf flex bison g++ make zlib1g-dev libbz2-dev libreadline-dev curl >/dev/null
# The archive serves the upstream tarball of the source package (its .dsc and debian.tar.xz answer 404 on this
# mirror), so the tarball is fetched directly and checked against the SHA256 in the signed Sources index.
# shellcheck disable=SC2086
SUM="$(apt-cache $APT showsrc iverilog | awk '/^Version:/{v=$2} /^Checksums-Sha256:/{f=1;next} /^[^ ]/{f=0} f && v=="12.0-2" && $3=="iverilog_12.0.orig.tar.gz"{print $1; exit}')"
[ -n "$SUM" ] || { echo "iverilog 12.0-2 not in Debian's trixie Sources index"; exit 1; }
curl -fsSL -o "$WORK/src/iv.tar.gz" http://deb.debian.org/debian/pool/main/i/iverilog/iverilog_12.0.orig.tar.gz
echo "$SUM  $WORK/src/iv.tar.gz" | sha256sum -c --quiet
mkdir "$WORK/src/iv" && tar -xzf "$WORK/src/iv.tar.gz" -C "$WORK/src/iv" --strip-components=1
cd "$WORK/src/iv"
sh autoconf.sh >/dev/null
./configure -q --prefix="$PREFIX" >/dev/null
make -s -j"$(nproc)" >/dev/null
make -s install >/dev/null
"$PREFIX/bin/iverilog" -V 2>/dev/null | head -1
