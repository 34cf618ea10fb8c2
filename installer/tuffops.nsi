; Windows installer of TuffOps Desktop (NSIS 3, Unicode), around the PyInstaller bundle.
;
; Built by installer/build, which passes every name from tuffops_desktop/__init__.py:
;   makensis -DAPP_NAME=… -DAPP_ID=… -DPUBLISHER=… -DEXE_NAME=… -DVERSION=… -DVERSION4=…
;            -DPLATFORM=… -DBUNDLE=<dist/tuffops> -DOUTFILE=<file.exe> -DCOMPRESSION=lzma|none
;
; * Per machine: Program Files, shortcuts for all users, one uninstall entry in
;   Add/Remove Programs (HKLM, 64-bit view). Needs an administrator.
; * Upgrade in place: a previous install is found through its uninstall key; after the
;   app is closed, its own uninstaller runs silently in its folder (so files the new
;   version no longer has do not linger), then the new files go to the same folder.
; * User data is never touched, by upgrades or by the uninstaller: each user's database,
;   logs, settings and intake spool live in %LOCALAPPDATA%\TuffOps\TuffOps Desktop, and an
;   office server's database is not on this computer at all. The uninstaller deletes only
;   the files it installed, so anything else put in the program folder stays too.

Unicode true
ManifestDPIAware true

!macro REQUIRE SYMBOL
  !ifndef ${SYMBOL}
    !error "${SYMBOL} is not defined: build with installer/build (it passes names and paths as -D defines)."
  !endif
!macroend
!insertmacro REQUIRE APP_NAME
!insertmacro REQUIRE APP_ID
!insertmacro REQUIRE PUBLISHER
!insertmacro REQUIRE EXE_NAME
!insertmacro REQUIRE VERSION
!insertmacro REQUIRE VERSION4
!insertmacro REQUIRE BUNDLE
!insertmacro REQUIRE OUTFILE
!ifndef COMPRESSION
  !define COMPRESSION lzma
!endif
!if "${COMPRESSION}" == "none"
  SetCompress off
!else
  SetCompressor /SOLID ${COMPRESSION}
!endif

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define UNINSTALLER "Uninstall ${APP_NAME}.exe"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
RequestExecutionLevel admin
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} ${VERSION} installer"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${BUNDLE}\_internal\tuffops.ico"
!define MUI_UNICON "${BUNDLE}\_internal\tuffops.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_NOAUTOCLOSE
; No "Run now" box on the last page: the installer runs as the administrator, and the app
; would then open with the administrator's data folder instead of the user's.
!define MUI_WELCOMEPAGE_TEXT "This installs ${APP_NAME} ${VERSION} for every user of this computer.$\r$\n$\r$\nAn earlier version is upgraded in place. Databases, settings and logs in the users' data folders are kept.$\r$\n$\r$\nClose ${APP_NAME} before you continue."
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "${APP_NAME} will be removed from this computer. Each user's database, settings and logs (in their data folder) are kept; delete that folder yourself if you no longer need them."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Var PreviousUninstaller
Var PreviousFolder

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  ReadRegStr $PreviousFolder HKLM "${UNINSTALL_KEY}" "InstallLocation"
  ReadRegStr $PreviousUninstaller HKLM "${UNINSTALL_KEY}" "UninstallString"
  ${If} $PreviousFolder != ""
    StrCpy $INSTDIR $PreviousFolder  ; an upgrade goes where the last version is
  ${EndIf}
FunctionEnd

; Windows refuses to open a running program's file for writing: ask until it is closed.
!macro WAIT_UNTIL_CLOSED FOLDER
  ${Do}
    ${IfNot} ${FileExists} "${FOLDER}\${EXE_NAME}.exe"
      ${Break}
    ${EndIf}
    ClearErrors
    FileOpen $R0 "${FOLDER}\${EXE_NAME}.exe" a
    ${IfNot} ${Errors}
      FileClose $R0
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME} is still running (or its intake listener service is). Close it, stop the service, then click Retry." /SD IDCANCEL IDRETRY +2
    Abort
  ${Loop}
!macroend

Section "${APP_NAME}" SecApp
  SectionIn RO
  !insertmacro WAIT_UNTIL_CLOSED "$INSTDIR"
  ${If} $PreviousUninstaller != ""
  ${AndIf} ${FileExists} "$PreviousFolder\${UNINSTALLER}"
    !insertmacro WAIT_UNTIL_CLOSED "$PreviousFolder"
    DetailPrint "Removing the files of the installed version from $PreviousFolder"
    ; _?= runs the old uninstaller in place and waits for it (it only removes its own files).
    ExecWait '"$PreviousFolder\${UNINSTALLER}" /S _?=$PreviousFolder' $0
    ${If} $0 != 0
      MessageBox MB_ICONSTOP "The installed version could not be removed (code $0). Nothing was changed." /SD IDOK
      Abort
    ${EndIf}
    Delete "$PreviousFolder\${UNINSTALLER}"
  ${EndIf}

  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${EXE_NAME}.exe" "" "$INSTDIR\${EXE_NAME}.exe" 0

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE_NAME}.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Desktop shortcut" SecDesktop
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${EXE_NAME}.exe" "" "$INSTDIR\${EXE_NAME}.exe" 0
SectionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

; Only what the installer put there: the program folder's own files, shortcuts, the
; uninstall entry. Never a user's data folder, never a database.
Section "Uninstall"
  !insertmacro WAIT_UNTIL_CLOSED "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE_NAME}.exe"
  Delete "$INSTDIR\${EXE_NAME}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"  ; only if nothing else was put there
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
