#!/usr/bin/env bash
# Sign the frozen macOS app and pack it into a disk image a user opens and drags to Applications. macOS only
# (codesign, hdiutil); run by .github/workflows/release.yml after PyInstaller has built dist/muxclipper.app
# (packaging/muxclipper.spec: its Info.plist, icon, bundle id and minimum macOS version come from there).
#   bash packaging/macos/build-dmg.sh dist/muxclipper.app dist/muxclipper-0.1.0-macos-arm64.dmg
# MACOS_SIGN_IDENTITY="Developer ID Application: …" signs for distribution (hardened runtime, secure timestamp:
# what notarisation asks for; the workflow notarises the image afterwards). Without it the app is signed ad hoc:
# Apple Silicon runs nothing unsigned.
set -euo pipefail
app="${1:?usage: build-dmg.sh APP DMG}"
dmg="${2:?usage: build-dmg.sh APP DMG}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -d "$app/Contents/MacOS" ] || { echo "build-dmg: $app is not an .app bundle" >&2; exit 1; }
identity="${MACOS_SIGN_IDENTITY:--}"
sign=(codesign --force --sign "$identity")
if [ "$identity" != "-" ]; then
  sign+=(--options runtime --timestamp --entitlements "$here/entitlements.plist")
fi
# Inside out, no --deep (deprecated: it signs nested code with the outer code's options, and misses code in
# unusual places): every Mach-O file, then each framework (deepest first), then the app itself.
while IFS= read -r -d '' file; do
  if file -b "$file" | grep -q 'Mach-O'; then "${sign[@]}" "$file"; fi
done < <(find "$app/Contents" -type f ! -path "$app/Contents/MacOS/muxclipper" -print0)
while IFS= read -r framework; do
  "${sign[@]}" "$framework"
done < <(find "$app/Contents" -type d -name '*.framework' | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)
"${sign[@]}" "$app"
codesign --verify --strict --verbose=2 "$app"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
ditto "$app" "$stage/$(basename "$app")"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname "muxclipper" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
if [ "$identity" != "-" ]; then codesign --force --timestamp --sign "$identity" "$dmg"; fi
echo "$dmg"
