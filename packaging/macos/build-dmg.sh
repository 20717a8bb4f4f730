#!/usr/bin/env bash
# Pack the frozen macOS app into a disk image a user opens and drags to Applications. macOS only (hdiutil); run
# by .github/workflows/release.yml after PyInstaller has built dist/muxclipper.app (packaging/muxclipper.spec:
# its Info.plist, icon and bundle id come from there).
#   bash packaging/macos/build-dmg.sh dist/muxclipper.app dist/muxclipper-0.1.0-macos-arm64.dmg
set -euo pipefail
app="${1:?usage: build-dmg.sh APP DMG}"
dmg="${2:?usage: build-dmg.sh APP DMG}"
[ -d "$app/Contents/MacOS" ] || { echo "build-dmg: $app is not an .app bundle" >&2; exit 1; }
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# Unsigned builds are signed ad hoc, as a whole (after PyInstaller's per-file signatures): Apple Silicon runs
# nothing unsigned. A Developer ID identity, if one is given, signs and makes it notarisable instead.
codesign --force --deep --sign "${MACOS_SIGN_IDENTITY:--}" "$app"
ditto "$app" "$stage/$(basename "$app")"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname "muxclipper" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
echo "$dmg"
