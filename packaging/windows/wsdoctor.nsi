; WebSocket Doctor installer for Windows: per user, no administrator rights.
; Built by `make package-windows` (makensis on Linux), which defines:
;   VERSION    the version shown (0.1.0, or 0.1.0-dev+abc1234)
;   VIVERSION  the numeric file version, x.y.z.build
;   APPID      the app ID of FyneApp.toml, the key of the uninstall entry
;   EXE        the wsdoctor.exe to install (the window; GUI subsystem)
;   CLIEXE     wsdoctor-cli.exe, the console companion for terminals
;   ICON       the .ico of the installer and the uninstaller
;   OUTFILE    the installer to write
;   LANGUAGES  the include of its languages and translated strings,
;              written by `go run ./packaging/windows/nsislang -o FILE`
; and, to sign the installer and the uninstaller it writes (make
; package-windows SIGN_PFX=...):
;   SIGNCMD    a command that signs the file named after it in place
;
; Silent install: installer.exe /S, and /ADDTOPATH to put the folder of
; wsdoctor-cli.exe on the user's PATH (the same as ticking that box).
; The app is amd64 only: a 64-bit installer starts on a 64-bit Windows
; (and on a Wine without 32-bit support).
Target amd64-unicode
SetCompressor /SOLID lzma
; No file times in the archive: one commit gives the same installer.
SetDateSave off
!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "WinMessages.nsh"

!ifndef LANGUAGES
!error "LANGUAGES is not defined: make package-windows writes it with go run ./packaging/windows/nsislang"
!endif

!ifdef SIGNCMD
!finalize '${SIGNCMD} "%1"'
!uninstfinalize '${SIGNCMD} "%1"'
!endif

!define APPNAME "WebSocket Doctor"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"

Name "${APPNAME}"
OutFile "${OUTFILE}"
; Per user: installs under %LOCALAPPDATA%\Programs, writes only HKCU, and
; Windows does not ask for an administrator.
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "Software\${APPID}" "InstallDir"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APPNAME} installer"
VIAddVersionKey "CompanyName" "The WebSocket Doctor developers"
VIAddVersionKey "LegalCopyright" "MIT License"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\wsdoctor.exe"
!define MUI_FINISHPAGE_RUN_TEXT "$(OpenNow)"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
; The installer speaks the languages of the window; NSIS picks the one of
; the user's Windows, English when it has none of them. The languages and
; the translated strings (OpenNow, NAME_SecPath, DESC_SecMain,
; DESC_SecPath) come from the word catalogues, assets/words/<lang>/
; installer.json, through the include that nsislang writes.
!include /CHARSET=UTF8 "${LANGUAGES}"

Section "WebSocket Doctor" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "/oname=wsdoctor.exe" "${EXE}"
  File "/oname=wsdoctor-cli.exe" "${CLIEXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\wsdoctor.exe" "" "$INSTDIR\wsdoctor.exe" 0

  WriteRegStr HKCU "Software\${APPID}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\wsdoctor.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "The WebSocket Doctor developers"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ; The size Apps & features shows, in KiB.
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

; Off by default: most people use the window. Support engineers and
; scripts run wsdoctor-cli from any terminal with it.
Section /o "$(NAME_SecPath)" SecPath
  ReadRegStr $0 HKCU "Environment" "Path"
  ClearErrors
  ${WordFind} "$0" "$INSTDIR" "E+1{" $1
  IfErrors 0 path_done
  StrCmp $0 "" 0 +3
    WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR"
    Goto +2
    WriteRegExpandStr HKCU "Environment" "Path" "$0;$INSTDIR"
  WriteRegDWORD HKCU "${UNINSTKEY}" "AddedToPath" 1
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=500
  path_done:
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} $(DESC_SecMain)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecPath} $(DESC_SecPath)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/ADDTOPATH" $1
  IfErrors +2
    SectionSetFlags ${SecPath} ${SF_SELECTED}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  ReadRegDWORD $0 HKCU "${UNINSTKEY}" "AddedToPath"
  StrCmp $0 1 0 path_kept
    ReadRegStr $1 HKCU "Environment" "Path"
    ${un.WordReplace} "$1" ";$INSTDIR" "" "+" $1
    ${un.WordReplace} "$1" "$INSTDIR" "" "+" $1
    StrCmp $1 "" 0 +3
      DeleteRegValue HKCU "Environment" "Path"
      Goto +2
      WriteRegExpandStr HKCU "Environment" "Path" "$1"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=500
  path_kept:
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$INSTDIR\wsdoctor.exe"
  Delete "$INSTDIR\wsdoctor-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  ; A preset a support team put beside the program goes with it.
  Delete "$INSTDIR\wsdoctor-preset.json"
  RMDir "$INSTDIR"
  ; What the window wrote: Fyne's preferences (%APPDATA%\fyne\APPID) and
  ; its icon cache (%LOCALAPPDATA%\fyne\APPID); the fyne folders only
  ; when no other Fyne app keeps something there.
  RMDir /r "$APPDATA\fyne\${APPID}"
  RMDir "$APPDATA\fyne"
  RMDir /r "$LOCALAPPDATA\fyne\${APPID}"
  RMDir "$LOCALAPPDATA\fyne"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${APPID}"
SectionEnd
