#!/usr/bin/env bash
# Build the Linux one-folder app into build/dist/rvr-desktop/ (git ignores build/).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m PyInstaller --noconfirm --clean \
    --distpath build/dist --workpath build/work \
    installer/rvr-desktop.spec
install -m 0644 installer/linux/rvr-desktop.desktop build/dist/rvr-desktop/
install -m 0644 installer/icons/rvr-desktop.png build/dist/rvr-desktop/
echo "Built build/dist/rvr-desktop/ (run build/dist/rvr-desktop/rvr-desktop --self-test)"
