; WebSocket Doctor installer for Windows: per user, no administrator rights.
; Built by `make package-windows` (makensis on Linux), which defines:
;   VERSION    the version shown (0.1.0, or 0.1.0-dev+abc1234)
;   VIVERSION  the numeric file version, x.y.z.build
;   APPID      the app ID of FyneApp.toml, the key of the uninstall entry
;   EXE        the wsdoctor.exe to install (the window; GUI subsystem)
;   CLIEXE     wsdoctor-cli.exe, the console companion for terminals
;   ICON       the .ico of the installer and the uninstaller
;   OUTFILE    the installer to write
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
LangString NAME_SecPath ${LANG_ENGLISH} "Add wsdoctor-cli to PATH (for terminals and scripts)"
LangString NAME_SecPath ${LANG_GERMAN} "wsdoctor-cli zum PATH hinzufügen (für Eingabeaufforderung und Skripte)"
LangString NAME_SecPath ${LANG_FRENCH} "Ajouter wsdoctor-cli au PATH (pour les terminaux et les scripts)"
LangString NAME_SecPath ${LANG_SPANISH} "Añadir wsdoctor-cli al PATH (para terminales y scripts)"
LangString NAME_SecPath ${LANG_PORTUGUESEBR} "Adicionar o wsdoctor-cli ao PATH (para terminais e scripts)"
LangString NAME_SecPath ${LANG_JAPANESE} "wsdoctor-cliをPATHに追加（ターミナルとスクリプト用）"
LangString NAME_SecPath ${LANG_SIMPCHINESE} "将 wsdoctor-cli 添加到 PATH（供终端和脚本使用）"

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

LangString DESC_SecMain ${LANG_ENGLISH} "The program, a Start-menu shortcut, and wsdoctor-cli.exe for terminals."
LangString DESC_SecPath ${LANG_ENGLISH} "Lets you type wsdoctor-cli in cmd or PowerShell from any folder."
LangString DESC_SecMain ${LANG_GERMAN} "Das Programm, eine Verknüpfung im Startmenü und wsdoctor-cli.exe für die Eingabeaufforderung."
LangString DESC_SecPath ${LANG_GERMAN} "Damit Sie wsdoctor-cli in cmd oder PowerShell aus jedem Ordner aufrufen können."
LangString DESC_SecMain ${LANG_FRENCH} "Le programme, un raccourci dans le menu Démarrer et wsdoctor-cli.exe pour les terminaux."
LangString DESC_SecPath ${LANG_FRENCH} "Permet de taper wsdoctor-cli dans cmd ou PowerShell depuis n'importe quel dossier."
LangString DESC_SecMain ${LANG_SPANISH} "El programa, un acceso directo en el menú Inicio y wsdoctor-cli.exe para terminales."
LangString DESC_SecPath ${LANG_SPANISH} "Te permite escribir wsdoctor-cli en cmd o PowerShell desde cualquier carpeta."
LangString DESC_SecMain ${LANG_PORTUGUESEBR} "O programa, um atalho no menu Iniciar e o wsdoctor-cli.exe para terminais."
LangString DESC_SecPath ${LANG_PORTUGUESEBR} "Permite digitar wsdoctor-cli no cmd ou no PowerShell a partir de qualquer pasta."
LangString DESC_SecMain ${LANG_JAPANESE} "プログラム本体、スタートメニューのショートカット、ターミナル用のwsdoctor-cli.exe。"
LangString DESC_SecPath ${LANG_JAPANESE} "どのフォルダーからでもcmdやPowerShellでwsdoctor-cliと入力できるようにします。"
LangString DESC_SecMain ${LANG_SIMPCHINESE} "程序本身、开始菜单快捷方式，以及供终端使用的 wsdoctor-cli.exe。"
LangString DESC_SecPath ${LANG_SIMPCHINESE} "让您在任何文件夹中都能在 cmd 或 PowerShell 里输入 wsdoctor-cli。"
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
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${APPID}"
SectionEnd
