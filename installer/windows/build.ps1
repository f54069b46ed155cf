# Build the Windows one-folder app and its installer.
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
# Needs Python 3.11+ and Inno Setup 6 (iscc.exe on PATH).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
if (-not (Test-Path .venv)) { py -3.11 -m venv .venv }
.\.venv\Scripts\python -m pip install --quiet --upgrade pip
.\.venv\Scripts\python -m pip install --quiet -e ".[test]"
.\.venv\Scripts\python -m PyInstaller --noconfirm --clean --distpath build\dist --workpath build\work installer\rvr-desktop.spec
.\build\dist\rvr-desktop\rvr-desktop.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "The built app failed its self-test" }
$env:RVR_VERSION = (.\.venv\Scripts\python -c "import rvr_desktop; print(rvr_desktop.__version__)")
iscc installer\windows\rvr-desktop.iss
Write-Host "Installer written to build\installer\"
