; Inno Setup script: installs the one-folder app built by installer\windows\build.ps1.
; Per-machine install under Program Files; each officer's vault stays in their own
; %LOCALAPPDATA%\RVR\RVR Desktop\vault (never in the install folder).
#define AppVersion GetEnv("RVR_VERSION")

[Setup]
AppId={{6F7C3B1E-4A52-4C8B-9E21-5D0A7B3C2F10}
AppName=RVR Desktop
AppVersion={#AppVersion}
AppPublisher=RVR Desktop
DefaultDirName={autopf}\RVR Desktop
DefaultGroupName=RVR Desktop
PrivilegesRequired=admin
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\installer
OutputBaseFilename=RVR-Desktop-{#AppVersion}-setup
SetupIconFile=..\icons\rvr-desktop.ico
Compression=lzma2
SolidCompression=yes
DisableProgramGroupPage=yes

[Files]
Source: "..\..\build\dist\rvr-desktop\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{autoprograms}\RVR Desktop"; Filename: "{app}\rvr-desktop.exe"
Name: "{autoprograms}\RVR Verify (evidence officers)"; Filename: "{app}\rvr-desktop.exe"; Parameters: "verify"

[Run]
Filename: "{app}\rvr-desktop.exe"; Parameters: "--self-test"; Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation..."
