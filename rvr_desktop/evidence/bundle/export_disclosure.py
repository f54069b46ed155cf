"""The disclosure check of one export: the documents' places, and the bundle's JSON files,
file names and bag-info.txt searched too."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.export_documents import RenderedDocuments
from rvr_desktop.evidence.bundle.layout import BAG_INFO_TXT, PAYLOAD_PREFIX
from rvr_desktop.evidence.disclosure.check import (
    DisclosureCheck,
    Place,
    build_check,
    scan_names,
    scan_text,
    scan_value,
)


def disclosure_check(
    rendered: RenderedDocuments,
    files: Sequence[tuple[str, bytes]],
    bag_info: Sequence[tuple[str, str]],
) -> DisclosureCheck:
    """Every place a restricted value appears outside data/restricted/ in the bundle about
    to be written: ``files`` are the payload files held in memory (paths under data/).
    Each place names its file from the bag's root (``data/notes/notes-log.pdf``)."""
    values = rendered.restricted_values
    places: list[Place] = list(rendered.places)
    already = {p.file for p in places}
    for path, data in files:
        if path.startswith(c.RESTRICTED_PREFIX) or path in already:
            continue
        if path.endswith(".json"):
            places += scan_value(path, "", json.loads(data), values)
    outside = [p for p, _ in files if not p.startswith(c.RESTRICTED_PREFIX)]
    places += scan_names(outside + [p for p, _ in rendered.exhibits], values)
    rooted = [dataclasses.replace(p, file=PAYLOAD_PREFIX + p.file) for p in places]
    for label, value in bag_info:
        rooted += scan_text(BAG_INFO_TXT, label, value, values)
    return build_check(rooted, values)
