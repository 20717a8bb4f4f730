; muxclipper's Windows installer: per user (no administrator rights asked), a Start-menu entry, an uninstaller
; (also listed in Settings > Apps), no file associations.
;   makensis -DVERSION=0.1.0 -DBUNDLE=dist\muxclipper -DOUTFILE=dist\muxclipper-0.1.0-windows-x64-setup.exe packaging\windows\muxclipper.nsi
; BUNDLE is PyInstaller's one-folder output (packaging/muxclipper.spec): muxclipper.exe (windowed),
; muxclipper-cli.exe (the console twin for the command line) and _internal\.
; tests/packaging compiles this script on Linux (Debian's nsis) against a stand-in tree.

Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef BUNDLE
  !error "pass -DBUNDLE=<the PyInstaller one-folder bundle>"
!endif
!ifndef OUTFILE
  !define OUTFILE "muxclipper-${VERSION}-windows-x64-setup.exe"
!endif
!define APP_NAME "muxclipper"
!define APP_ID "io.github.muxclipper.MuxClipper"
!define PUBLISHER "muxclipper developers"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define RESOURCES "${__FILEDIR__}\..\..\resources"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
; Per user: under the user's own programs folder, registry entries under HKCU.
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "Software\${APP_ID}" "InstallDir"
SetCompressor /SOLID lzma
ShowInstDetails nevershow
ShowUninstDetails nevershow
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "MIT licence; third-party licences in _internal\licenses"

!define MUI_ICON "${RESOURCES}\muxclipper.ico"
!define MUI_UNICON "${RESOURCES}\muxclipper.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\muxclipper.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"
!define MUI_FINISHPAGE_RUN_PARAMETERS ""

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${__FILEDIR__}\..\..\LICENSE"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "muxclipper" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An update replaces the previous bundle whole: files a newer version no longer has must not linger.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\muxclipper.exe" "" "$INSTDIR\muxclipper.exe" 0
  WriteRegStr HKCU "Software\${APP_ID}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\muxclipper.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  ; Only what the installer put there: the bundle, the programs and the uninstaller. The user's settings, clips
  ; list and log live in their own folders (%LOCALAPPDATA%\muxclipper) and stay.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\muxclipper.exe"
  Delete "$INSTDIR\muxclipper-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP_ID}"
SectionEnd
