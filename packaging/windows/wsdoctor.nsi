; WebSocket Doctor installer for Windows: per user, no administrator rights.
; Built by `make package-windows` (makensis on Linux), which defines:
;   VERSION    the version shown (0.1.0, or 0.1.0-dev+abc1234)
;   VIVERSION  the numeric file version, x.y.z.build
;   APPID      the app ID of FyneApp.toml, the key of the uninstall entry
;   EXE        the wsdoctor.exe to install
;   ICON       the .ico of the installer and the uninstaller
;   OUTFILE    the installer to write
Unicode true
SetCompressor /SOLID lzma
; No file times in the archive: one commit gives the same installer.
SetDateSave off
!include "MUI2.nsh"

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
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
; The installer speaks the languages of the window; NSIS picks the one of
; the user's Windows, English when it has none of them.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "German"
!insertmacro MUI_LANGUAGE "French"
!insertmacro MUI_LANGUAGE "Spanish"
!insertmacro MUI_LANGUAGE "PortugueseBR"
!insertmacro MUI_LANGUAGE "Japanese"
!insertmacro MUI_LANGUAGE "SimpChinese"
LangString OpenNow ${LANG_ENGLISH} "Open ${APPNAME} now"
LangString OpenNow ${LANG_GERMAN} "${APPNAME} jetzt öffnen"
LangString OpenNow ${LANG_FRENCH} "Ouvrir ${APPNAME} maintenant"
LangString OpenNow ${LANG_SPANISH} "Abrir ${APPNAME} ahora"
LangString OpenNow ${LANG_PORTUGUESEBR} "Abrir o ${APPNAME} agora"
LangString OpenNow ${LANG_JAPANESE} "${APPNAME} を今すぐ開く"
LangString OpenNow ${LANG_SIMPCHINESE} "立即打开 ${APPNAME}"

Section "Install"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "/oname=wsdoctor.exe" "${EXE}"
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
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$INSTDIR\wsdoctor.exe"
  Delete "$INSTDIR\uninstall.exe"
  ; A preset a support team put beside the program goes with it.
  Delete "$INSTDIR\wsdoctor-preset.json"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${APPID}"
SectionEnd
