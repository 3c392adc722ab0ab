; Per-user Windows installer for Enablement (Inno Setup 6). No administrator rights:
; installs to %LOCALAPPDATA%\Programs\Enablement, adds a Start menu entry and puts the
; folder on the user's PATH (for the enablement command). Running a newer setup updates
; in place (same AppId); libraries in the user's data folder are never touched.
;
;   iscc /DAppVersion=0.1.0 /DBundle=..\..\dist\enablement /DOutDir=..\..\dist packaging\windows\enablement.iss
;
; Signing hook: define Sign and pass the sign tool, e.g.
;   iscc /DSign "/Ssigntool=signtool.exe sign /fd sha256 /f cert.pfx /p PASSWORD /tr http://timestamp.digicert.com /td sha256 $f" ...
; (the release workflow does this when the WINDOWS_CERTIFICATE secret is set).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef Bundle
  #define Bundle "..\..\dist\enablement"
#endif
#ifndef OutDir
  #define OutDir "..\..\dist"
#endif

[Setup]
AppId={{6F0D3B8E-2A7C-4E59-9C31-5B8A1E0D7F42}
AppName=Enablement
AppVersion={#AppVersion}
AppVerName=Enablement {#AppVersion}
AppPublisher=Enablement
DefaultDirName={autopf}\Enablement
DefaultGroupName=Enablement
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutDir}
OutputBaseFilename=enablement-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
CloseApplications=yes
UninstallDisplayIcon={app}\enablement-app.exe
UninstallDisplayName=Enablement
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[InstallDelete]
; An update replaces the bundled runtime whole, so no file of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Enablement"; Filename: "{app}\enablement-app.exe"
Name: "{autodesktop}\Enablement"; Filename: "{app}\enablement-app.exe"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
  Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\enablement-app.exe"; Description: "Start Enablement"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Folder: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Folder) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
