"""Child process for the file-size-limit test: `python -m tests.bundle.fill_disk_child OUT LAYOUT`.

Python ignores SIGXFSZ, so writing past RLIMIT_FSIZE fails with EFBIG, which the
writer must report as a full disk.
"""

from __future__ import annotations

import io
import resource
import sys
from pathlib import Path

from rvr_desktop.evidence.bundle.bagit_writer import BagWriter
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.errors import DiskFull

LIMIT = 4 << 20


def main(out: Path, layout: BundleLayout) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
    target = out / ("bag.zip" if layout is BundleLayout.ZIP else "bag")
    try:
        with BagWriter(target, layout) as writer:
            writer.add_payload_bytes("small.txt", b"fits")
            writer.add_payload("big.bin", io.BytesIO(b"\xaa" * (2 * LIMIT)))
            writer.finish([("Case-Reference", "INC-1")], sign=None)
    except DiskFull:
        print("disk-full", flush=True)
        return
    print("written", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), BundleLayout(sys.argv[2]))
