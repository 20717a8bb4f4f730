; A stand-in for muxclipper.exe in tests/packaging/test_windows_installer.py (no Windows Python can be frozen here):
; while it runs it holds the mutex every running muxclipper holds (muxclipper/launch/running_mark.py), until a file
; named "stop" appears beside it.
Unicode true
Target amd64-unicode
SilentInstall silent
RequestExecutionLevel user
OutFile "${OUTFILE}"

Section
  System::Call 'kernel32::CreateMutexW(p 0, i 0, w "io.github.muxclipper.MuxClipper.running") p .r0'
  FileOpen $1 "$EXEDIR\started" w
  FileClose $1
  loop:
    IfFileExists "$EXEDIR\stop" done
    Sleep 100
    Goto loop
  done:
SectionEnd
