; muxclipper's Windows installer (64-bit): per user (no administrator rights asked), a Start-menu entry, an uninstaller
; (also listed in Settings > Apps), optionally muxclipper-cli on the user's PATH; no file associations.
;   python packaging/windows/manifest.py dist\muxclipper build\manifest
;   makensis -DVERSION=0.1.0 -DBUNDLE=dist\muxclipper -DMANIFEST_DIR=build\manifest
;            -DOUTFILE=dist\muxclipper-0.1.0-windows-x64-setup.exe packaging\windows\muxclipper.nsi
; BUNDLE is PyInstaller's one-folder output (packaging/muxclipper.spec): muxclipper.exe (windowed),
; muxclipper-cli.exe (the console twin for the command line) and _internal\. MANIFEST_DIR holds the list of the
; bundle's files (manifest.py): an upgrade and the uninstaller remove exactly those, never the rest of the folder.
; Optional: -DSIGN_COMMAND="..." signs the installer and the uninstaller ("%1" is the file), -DABOUT_URL=...
; Silent: setup.exe /S [/ADDTOPATH] [/D=folder]; uninstall.exe /S. Exit code 3: muxclipper is running.
; tests/packaging/test_windows_installer.py builds this against a stand-in tree and runs it under wine64.

Unicode true
Target amd64-unicode
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "WinMessages.nsh"

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef BUNDLE
  !error "pass -DBUNDLE=<the PyInstaller one-folder bundle>"
!endif
!ifndef MANIFEST_DIR
  !error "pass -DMANIFEST_DIR=<the output of packaging/windows/manifest.py>"
!endif
!include "${MANIFEST_DIR}\manifest.nsh"
!ifndef OUTFILE
  !define OUTFILE "muxclipper-${VERSION}-windows-x64-setup.exe"
!endif
!ifndef ABOUT_URL
  !define ABOUT_URL "https://github.com/muxclipper/muxclipper"
!endif
!define APP_NAME "muxclipper"
!define APP_ID "io.github.muxclipper.MuxClipper"
!define PUBLISHER "muxclipper developers"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define RESOURCES "${__FILEDIR__}\..\..\resources"
; Held by every running muxclipper and muxclipper-cli (muxclipper/launch/running_mark.py).
!define RUNNING_MUTEX "${APP_ID}.running"
!define LIST "muxclipper.files"
; A PATH longer than this is not touched: NSIS reads strings up to NSIS_MAX_STRLEN and would cut it short.
!define /math PATH_LIMIT ${NSIS_MAX_STRLEN} - 260

!ifdef SIGN_COMMAND
  !finalize '${SIGN_COMMAND}'
  !uninstfinalize '${SIGN_COMMAND}'
!endif

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
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${__FILEDIR__}\..\..\LICENSE"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; Refuse while muxclipper runs: its files are in use, and replacing them under it would break it.
!macro REFUSE_WHILE_RUNNING
  System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${RUNNING_MUTEX}") p .r0'
  ${If} $0 != 0
    System::Call 'kernel32::CloseHandle(p r0)'
    MessageBox MB_OK|MB_ICONEXCLAMATION "${APP_NAME} is running. Close it (and any muxclipper-cli command), \
      then run this again." /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
!macroend

; Remove what the list in the install folder names: files, then folders (deepest first) if they are empty.
!macro DEFINE_REMOVE_LISTED UN
Function ${UN}RemoveListed
  ClearErrors
  FileOpen $0 "$INSTDIR\${LIST}" r
  ${If} ${Errors}
    Return
  ${EndIf}
  ${Do}
    ClearErrors
    FileReadUTF16LE $0 $1
    ${If} ${Errors}
      ${ExitDo}
    ${EndIf}
    ${Do}
      StrCpy $2 $1 1 -1
      ${If} $2 == "$\n"
      ${OrIf} $2 == "$\r"
        StrCpy $1 $1 -1
      ${Else}
        ${ExitDo}
      ${EndIf}
    ${Loop}
    StrCpy $2 $1 1
    ${If} $1 == ""
    ${OrIf} $2 == "\"
    ${OrIf} $2 == "."
      ${Continue}  ; nothing, or a name that would leave the install folder
    ${EndIf}
    StrCpy $2 $1 1 -1
    ${If} $2 == "\"
      StrCpy $1 $1 -1
      RMDir "$INSTDIR\$1"
    ${Else}
      Delete "$INSTDIR\$1"
    ${EndIf}
  ${Loop}
  FileClose $0
FunctionEnd
!macroend
!insertmacro DEFINE_REMOVE_LISTED ""
!insertmacro DEFINE_REMOVE_LISTED "un."

; The user's PATH (HKCU\Environment) less $INSTDIR\bin, in $1; $2 is 1 when it was too long to touch.
!macro PATH_WITHOUT_OURS UN
  ReadRegStr $1 HKCU "Environment" "Path"
  StrLen $2 $1
  ${If} $2 > ${PATH_LIMIT}
    StrCpy $2 1
  ${Else}
    StrCpy $2 0
    !if "${UN}" == ""
      ${WordReplace} "$1" ";$INSTDIR\bin" "" "+" $1
      ${WordReplace} "$1" "$INSTDIR\bin;" "" "+" $1
    !else
      ${un.WordReplace} "$1" ";$INSTDIR\bin" "" "+" $1
      ${un.WordReplace} "$1" "$INSTDIR\bin;" "" "+" $1
    !endif
    ${If} $1 == "$INSTDIR\bin"
      StrCpy $1 ""
    ${EndIf}
  ${EndIf}
!macroend

Function un.onInit
  !insertmacro REFUSE_WHILE_RUNNING
FunctionEnd

Section "muxclipper" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade: what the previous version installed goes first, so that files the new one no longer has do not
  ; linger; anything else in the folder stays. (A version without the list had a _internal folder of its own.)
  ${If} ${FileExists} "$INSTDIR\${LIST}"
    Call RemoveListed
  ${Else}
    ReadRegStr $0 HKCU "${UNINSTALL_KEY}" "InstallLocation"
    ${If} $0 == $INSTDIR
    ${AndIf} ${FileExists} "$INSTDIR\muxclipper.exe"
      RMDir /r "$INSTDIR\_internal"
    ${EndIf}
  ${EndIf}
  File /r "${BUNDLE}\*.*"
  File "/oname=${LIST}" "${MANIFEST_DIR}\${LIST}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\muxclipper.exe" "" "$INSTDIR\muxclipper.exe" 0
  WriteRegStr HKCU "Software\${APP_ID}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\muxclipper.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "URLInfoAbout" "${ABOUT_URL}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" ${BUNDLE_SIZE_KB}
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section /o "Add muxclipper-cli to my PATH (the command line in any terminal)" SecPath
  CreateDirectory "$INSTDIR\bin"
  FileOpen $0 "$INSTDIR\bin\muxclipper-cli.cmd" w
  FileWrite $0 '@"%~dp0..\muxclipper-cli.exe" %*$\r$\n'
  FileClose $0
  !insertmacro PATH_WITHOUT_OURS ""
  ${If} $2 == 1
    MessageBox MB_OK|MB_ICONINFORMATION "Your PATH is too long for the installer to change safely. Add \
      $INSTDIR\bin to it yourself to type muxclipper-cli in any terminal." /SD IDOK
  ${Else}
    ${If} $1 == ""
      StrCpy $1 "$INSTDIR\bin"
    ${Else}
      StrCpy $1 "$1;$INSTDIR\bin"
    ${EndIf}
    WriteRegExpandStr HKCU "Environment" "Path" "$1"
    WriteRegDWORD HKCU "Software\${APP_ID}" "OnPath" 1
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
SectionEnd

Function .onInit
  !insertmacro REFUSE_WHILE_RUNNING
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ADDTOPATH" $0
  ${IfNot} ${Errors}
    SectionSetFlags ${SecPath} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  ReadRegDWORD $0 HKCU "Software\${APP_ID}" "OnPath"
  ${If} $0 == 1
    !insertmacro PATH_WITHOUT_OURS "un."
    ${If} $2 == 0
      WriteRegExpandStr HKCU "Environment" "Path" "$1"
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${EndIf}
  ${EndIf}
  ; Only what the installer put there (its list). The user's settings, clips list and log live in their own folders
  ; (%LOCALAPPDATA%\muxclipper) and stay; so does anything else in the install folder.
  Call un.RemoveListed
  Delete "$INSTDIR\${LIST}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP_ID}"
SectionEnd
