; Inno Setup 6 script for dzdesk: per-user install (no administrator), Chinese wizard,
; Start-menu and desktop shortcuts, and an uninstaller that keeps the user's data unless asked.
;
; Built by build_windows.ps1 (one command, see README section "Build installers"):
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\dzdesk.iss
; Input: packaging\dist\dzdesk\ (the PyInstaller one-folder build). Output: packaging\dist\.
; This file is UTF-8 with a byte-order mark, which Inno Setup 6 needs for the Chinese text.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=x.y.z dzdesk.iss (build_windows.ps1 does this)
#endif
#define AppName "dzdesk 党支部自评"
#define Bundle AddBackslash(SourcePath) + "..\dist\dzdesk"

; Simplified Chinese messages: shipped with newer Inno Setup, an unofficial translation
; for older ones (build_windows.ps1 puts a copy beside this script when the compiler lacks it).
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl not found: run build_windows.ps1, or copy it into packaging\windows\
#endif

[Setup]
AppId={{6F1C2B8E-4D7A-4C1B-9E2F-D2D5E5C0A7B1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=dzdesk
VersionInfoVersion={#AppVersion}
; Per-user: no UAC prompt; {autopf} becomes %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\dzdesk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\dzdesk.exe
SetupIconFile=..\icons\dzdesk.ico
OutputDir=..\dist
OutputBaseFilename=dzdesk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ShowLanguageDialog=no
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"

[CustomMessages]
chinesesimplified.DesktopIcon=在桌面创建快捷方式
chinesesimplified.ShortcutsGroup=快捷方式：
chinesesimplified.LaunchApp=立即启动 dzdesk
chinesesimplified.DiagnosticsName=dzdesk 诊断信息
chinesesimplified.AskDeleteData=是否同时删除本机上的 dzdesk 数据？%n%n数据包括：各季度自评记录、佐证材料、党支部签名密钥和备份，位于：%n%1%n%n删除后无法恢复。如果以后还要使用 dzdesk 或需要保留记录，请选择“否”。
chinesesimplified.DataDeleted=dzdesk 的数据已删除。
chinesesimplified.DataKept=dzdesk 的数据已保留在：%n%1

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:ShortcutsGroup}"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\icons\dzdesk.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\dzdesk.exe"; IconFilename: "{app}\dzdesk.ico"
Name: "{autoprograms}\{cm:DiagnosticsName}"; Filename: "{cmd}"; Parameters: "/k ""{app}\dzdesk-cli.exe"" doctor"; IconFilename: "{app}\dzdesk.ico"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\dzdesk.exe"; IconFilename: "{app}\dzdesk.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\dzdesk.exe"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[Code]
// platformdirs puts the data in %LOCALAPPDATA%\dzdesk\dzdesk (data, logs, settings);
// a portable install keeps it in {app}\data. Both survive uninstalling unless the user says so.
function DataFolders(): String;
begin
  Result := ExpandConstant('{localappdata}\dzdesk');
  if DirExists(ExpandConstant('{app}\data')) then
    Result := Result + #13#10 + ExpandConstant('{app}\data');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  if not DirExists(ExpandConstant('{localappdata}\dzdesk')) and not DirExists(ExpandConstant('{app}\data')) then
    Exit;
  if UninstallSilent() then
    Exit;
  if MsgBox(FmtMessage(CustomMessage('AskDeleteData'), [DataFolders()]), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    DelTree(ExpandConstant('{localappdata}\dzdesk'), True, True, True);
    DelTree(ExpandConstant('{app}\data'), True, True, True);
    RemoveDir(ExpandConstant('{app}'));
    MsgBox(CustomMessage('DataDeleted'), mbInformation, MB_OK);
  end
  else
    MsgBox(FmtMessage(CustomMessage('DataKept'), [DataFolders()]), mbInformation, MB_OK);
end;
