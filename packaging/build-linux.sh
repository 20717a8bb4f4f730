#!/usr/bin/env bash
# Build muxclipper's Linux installers from a clean clone, on Debian 12 (or newer) or Ubuntu 22.04+:
#   bash packaging/build-linux.sh [--deb-only]
# (MUXCLIPPER_DIST=DIR writes the installers there instead of dist/; MUXCLIPPER_DEB_XZ_LEVEL=0..9, default 6;
# MUXCLIPPER_TAR_GZIP_LEVEL=1..9, default 9; MUXCLIPPER_REUSE_BUNDLES=1 packs the bundle an earlier run froze, when it
# is there, instead of freezing again.)
# Writes into dist/:
#   muxclipper_<version>_<arch>.deb   the Debian/Ubuntu package: the bundle under /usr/lib/muxclipper, built without
#                                     the distribution's own libraries (its Depends: come from dpkg-shlibdeps) and
#                                     without ffmpeg (Recommends: ffmpeg; the app runs the system's)
#   muxclipper-<version>-linux-<machine>.tar.gz
#                                     for other distributions: its own libraries but those every desktop has
#                                     (GL, fonts, X11, sound: packaging/prune_bundle.py), the static ffmpeg and its
#                                     GPLv3 notice; unpack anywhere, run ./muxclipper
# and leaves the bundles in build/pyinstaller/{deb,tarball}/muxclipper, both made from one freeze
# (build/pyinstaller/full/muxclipper).
# Build tools (PyInstaller in .venv, dpkg-dev, patchelf, binutils…) are installed as scripts/setup.sh installs
# the test tools: with apt when run as root, else it prints the apt-get line to run. packaging/README.md says
# what ships and why.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb_only=0
for arg in "$@"; do
  case "$arg" in
    --deb-only) deb_only=1 ;;
    *) echo "usage: bash packaging/build-linux.sh [--deb-only]" >&2; exit 2 ;;
  esac
done

# shellcheck source=../scripts/setup.sh
source "$ROOT/scripts/setup.sh" test
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
OUT="${MUXCLIPPER_DIST:-$ROOT/dist}"
WORK="$ROOT/build/pyinstaller"
APP_ID="$("$PY" -c 'from muxclipper.qt.identity import APP_ID; print(APP_ID)')"
VERSION="$("$PY" -c 'import muxclipper; print(muxclipper.__version__)')"
ARCH="$(dpkg --print-architecture)"
MACHINE="$(uname -m)"
MAINTAINER="${DEB_MAINTAINER:-muxclipper developers <muxclipper@users.noreply.github.com>}"
mkdir -p "$OUT"

say() { echo "build-linux: $*" >&2; }

# freeze: one PyInstaller build of the self-contained bundle (the static ffmpeg and the build machine's libraries
# included) into $WORK/full/muxclipper. Both installers' bundles are made from it (lean_bundle, build_tarball).
freeze() {
  if [ "${MUXCLIPPER_REUSE_BUNDLES:-0}" = 1 ] && [ -e "$WORK/full/.complete" ]; then
    say "reusing the bundle frozen before ($WORK/full/muxclipper)"
    return
  fi
  say "freezing the bundle"
  rm -rf "$WORK/full"
  MUXCLIPPER_BUNDLE_FFMPEG=1 MUXCLIPPER_SYSTEM_LIBRARIES=1 "$PY" -m PyInstaller --noconfirm \
    --log-level WARN --distpath "$WORK/full" --workpath "$WORK/work-full" packaging/muxclipper.spec
  tidy "$WORK/full/muxclipper"
  touch "$WORK/full/.complete"  # frozen and tidied: what MUXCLIPPER_REUSE_BUNDLES may reuse
}

# lean_bundle: the .deb's bundle in $WORK/deb/muxclipper: the frozen one less the static ffmpeg (the system's is used:
# Recommends: ffmpeg), and the build machine's libraries (Depends: names their packages), with the licence texts of
# a bundle without ffmpeg. The spec wrote those paths and texts when it froze; a freeze with
# MUXCLIPPER_BUNDLE_FFMPEG=0 MUXCLIPPER_SYSTEM_LIBRARIES=0 makes the same files (tests/packaging/test_linux_package.py
# checks what is left out).
lean_bundle() {
  local list="$WORK/work-full/muxclipper/left-out-without-system-libraries-and-ffmpeg.txt" path
  [ -s "$list" ] && [ -d "$WORK/work-full/muxclipper/licenses-without-ffmpeg" ] ||
    { say "what the .deb leaves out is missing from $WORK/work-full: freeze again without MUXCLIPPER_REUSE_BUNDLES"; exit 1; }
  rm -rf "$WORK/deb"
  mkdir -p "$WORK/deb"
  cp -a "$WORK/full/muxclipper" "$WORK/deb/"
  while IFS= read -r path; do
    rm -f "$WORK/deb/muxclipper/_internal/$path"
  done <"$list"
  rm -rf "$WORK/deb/muxclipper/_internal/licenses"
  cp -a "$WORK/work-full/muxclipper/licenses-without-ffmpeg" "$WORK/deb/muxclipper/_internal/licenses"
  find "$WORK/deb/muxclipper" -xtype l -delete
  find "$WORK/deb/muxclipper" -depth -type d -empty -delete
}

# tidy BUNDLE: strip what is safe to strip, and remove RUNPATH entries that point outside the bundle (a pyenv
# Python leaves its build home in libpython's). Safe, and checked by tests/packaging: libpython (22 → 6 MB),
# Python's extension modules, cffi's and cryptography's, Qt's ICU, Pillow's modules and the libraries its wheel
# carries (stripped, a JPEG and a PNG still decode: checked by tests/packaging). Not the rest of Qt: stripped, its libavformat
# fails to load ("ELF load command address/offset not page-aligned") and the player has no backend.
tidy() {
  local file rpath kept entry
  find "$1/_internal" -maxdepth 1 -name 'libpython3*.so*' -exec strip --strip-unneeded {} +
  find "$1/_internal" \( -path '*/lib-dynload/*.so' -o -name '_cffi_backend*.so' -o -path '*/cryptography/*.so' \
    -o -path '*/Qt/lib/libicu*.so*' -o -path '*/PIL/*.so' -o -path '*/pillow.libs/*.so*' \) -type f \
    -exec strip --strip-unneeded {} +
  while IFS= read -r -d '' file; do
    rpath="$(patchelf --print-rpath "$file" 2>/dev/null)" || continue
    [ -n "$rpath" ] || continue
    kept=""
    IFS=: read -ra entries <<<"$rpath"
    for entry in "${entries[@]}"; do
      case "$entry" in '$ORIGIN'*) kept="${kept:+$kept:}$entry" ;; esac
    done
    if [ "$kept" != "$rpath" ]; then
      if [ -n "$kept" ]; then patchelf --set-rpath "$kept" "$file"; else patchelf --remove-rpath "$file"; fi
    fi
  done < <(find "$1" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)
  # PyInstaller links top-level names to Qt's libraries, some of which the spec leaves out (Qt PDF, the virtual
  # keyboard…): no link pointing at nothing is shipped.
  find "$1" -xtype l -delete
}

# desktop_files DEST: the desktop entry, AppStream metainfo and hicolor icons under DEST/share.
desktop_files() {
  install -D -m 644 "packaging/linux/$APP_ID.desktop" "$1/share/applications/$APP_ID.desktop"
  install -D -m 644 "packaging/linux/$APP_ID.metainfo.xml" "$1/share/metainfo/$APP_ID.metainfo.xml"
  mkdir -p "$1/share/icons"
  cp -r resources/icons/hicolor "$1/share/icons/"
  find "$1/share/icons" -type d -exec chmod 755 {} + && find "$1/share/icons" -type f -exec chmod 644 {} +
}

build_deb() {
  local stage="$WORK/deb-stage" pkg bundle depends deb
  pkg="$stage/debian/muxclipper"
  bundle="$WORK/deb/muxclipper"
  rm -rf "$stage"
  # Under /usr/lib, not /opt: no Debian package owns /opt, so this one would, and removing it warned that /opt was
  # not empty whenever anything else lives there.
  mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib" "$pkg/usr/bin" "$pkg/usr/share/doc/muxclipper" "$pkg/usr/share/lintian/overrides"
  cp -a "$bundle" "$pkg/usr/lib/muxclipper"
  ln -s /usr/lib/muxclipper/muxclipper "$pkg/usr/bin/muxclipper"
  desktop_files "$pkg/usr"
  sed -e "s/@VERSION@/$VERSION/g" packaging/linux/copyright >"$pkg/usr/share/doc/muxclipper/copyright"
  printf 'muxclipper (%s) unstable; urgency=medium\n\n  * Release %s: see https://pypi.org/project/muxclipper/ and the README.\n\n -- %s  %s\n' \
    "$VERSION" "$VERSION" "$MAINTAINER" "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" |
    gzip -9n >"$pkg/usr/share/doc/muxclipper/changelog.gz"
  install -m 644 packaging/linux/lintian-overrides "$pkg/usr/share/lintian/overrides/muxclipper"
  # Permissions as Debian wants them, whatever the build machine's umask: directories and programs 755, the
  # rest 644 (shared libraries are not executable).
  find "$pkg" -type d -exec chmod 755 {} +
  find "$pkg" -type f -exec chmod 644 {} +
  chmod 755 "$pkg/usr/lib/muxclipper/muxclipper"

  # Depends: from the libraries the bundle's ELF files need and does not carry itself.
  say "computing Depends: with dpkg-shlibdeps"
  printf 'Source: muxclipper\n\nPackage: muxclipper\nArchitecture: any\n' >"$stage/debian/control"
  # Qt's libavformat asks for libbz2.so.1: Debian's libbz2-1.0 installs that name, but as a symlink to a library
  # whose SONAME is libbz2.so.1.0, so no package declares it and dpkg-shlibdeps needs telling.
  echo "libbz2 1 libbz2-1.0" >"$stage/debian/shlibs.local"
  local -a elves=() libdirs=()
  while IFS= read -r -d '' file; do
    if head -c 4 "$file" | grep -q $'\x7fELF'; then elves+=("$file"); fi
  done < <(find "$pkg/usr/lib/muxclipper" -type f \( -name '*.so' -o -name '*.so.*' -o -name muxclipper \) -print0)
  while IFS= read -r dir; do libdirs+=("-l$dir"); done < <(find "$pkg/usr/lib/muxclipper" -name '*.so*' -printf '%h\n' | sort -u)
  depends="$(cd "$stage" && dpkg-shlibdeps -O "${libdirs[@]}" -e"${elves[@]}" 2>"$WORK/shlibdeps.log" \
    | sed -n 's/^shlibs:Depends=//p')" || { cat "$WORK/shlibdeps.log" >&2; exit 1; }
  [ -n "$depends" ] || { say "dpkg-shlibdeps found no dependencies"; cat "$WORK/shlibdeps.log" >&2; exit 1; }
  # A library found nowhere (neither in the bundle nor in an installed package) is only a warning to
  # dpkg-shlibdeps; here it means the package would not start: stop.
  if grep "couldn't find library" "$WORK/shlibdeps.log" >&2; then
    say "install the packages that provide these libraries, or let the bundle carry them"; exit 1
  fi

  cat >"$pkg/DEBIAN/control" <<EOF
Package: muxclipper
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: $depends
Recommends: ffmpeg
Section: video
Priority: optional
Description: frame-exact clips from Mux videos and live recordings
 muxclipper opens a Mux video or a live stream's recording, lets you mark the
 in and out points on the exact frame, and creates the clip through the Mux
 Video API. A local Mux emulator with demo content (muxclipper --demo) lets you
 try it without an account; it makes its videos with the system's ffmpeg.
EOF
  deb="$OUT/muxclipper_${VERSION}_${ARCH}.deb"
  say "packing $deb"
  # xz -6 (dpkg's default) for releases; the tests pack at -1 (58.3 MB in 7 s here on 2 cores, against 56.7 MB in 22 s at -3).
  dpkg-deb --root-owner-group -Zxz -z"${MUXCLIPPER_DEB_XZ_LEVEL:-6}" --threads-max="$(nproc)" --build "$pkg" "$deb" >/dev/null
  echo "$deb"
}

build_tarball() {
  local bundle="$WORK/tarball/muxclipper" name="muxclipper-$VERSION-linux-$MACHINE" tarball
  rm -rf "$WORK/tarball"
  mkdir -p "$WORK/tarball"
  cp -a "$WORK/full/muxclipper" "$WORK/tarball/"
  # What the system provides (GL, fontconfig, X11, the sound server's client…) and Qt's GTK theme with the GNOME
  # stack only it needs: left out (prune_bundle.py says why; 152 → 142 MiB packed).
  "$PY" packaging/prune_bundle.py "$bundle"
  desktop_files "$bundle"
  install -m 644 LICENSE "$bundle/LICENSE"
  tarball="$OUT/$name.tar.gz"
  say "packing $tarball"
  # gzip -9 for releases; the tests pack at -1 (MUXCLIPPER_TAR_GZIP_LEVEL), as they pack the .deb at xz -1.
  tar -C "$WORK/tarball" --owner=0 --group=0 --numeric-owner --transform "s,^muxclipper,$name," \
    -I "gzip -${MUXCLIPPER_TAR_GZIP_LEVEL:-9} -n" -cf "$tarball" muxclipper
  echo "$tarball"
}

freeze
lean_bundle
build_deb
if [ "$deb_only" = 0 ]; then
  build_tarball
else
  rm -rf "$WORK/tarball"  # not this build's: nothing may take it for one
fi
