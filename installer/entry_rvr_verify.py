"""PyInstaller entry point for rvr-verify."""

import sys

from rvr_desktop.cli.verify import main

sys.exit(main())
