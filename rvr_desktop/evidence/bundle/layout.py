"""The names in an RVR bundle: a BagIt 1.0 bag with SHA-256 manifests and a signed tag manifest.

The CMS signature of the tag manifest sits at the bag's root as a tag file that no
manifest lists: the tag manifest cannot list its own signature (the signature covers
the manifest's bytes), and listing it in the payload manifest would put it under
``data/``. RFC 8493 only says a tag manifest SHOULD list the other tag files, and
bagit-python ignores root files that no manifest lists, so the bag stays valid for both.
Our reader accepts exactly this one unlisted file.
"""

from __future__ import annotations

from enum import StrEnum

BAGIT_TXT = "bagit.txt"
BAG_INFO_TXT = "bag-info.txt"
MANIFEST_TXT = "manifest-sha256.txt"
TAGMANIFEST_TXT = "tagmanifest-sha256.txt"
SIGNATURE_P7S = "tagmanifest-sha256.txt.p7s"
FETCH_TXT = "fetch.txt"
PAYLOAD_DIR = "data"
PAYLOAD_PREFIX = PAYLOAD_DIR + "/"

BAGIT_VERSION = "1.0"
TAG_ENCODING = "UTF-8"

PAYLOAD_OXUM = "Payload-Oxum"
BAGGING_DATE = "Bagging-Date"


class BundleLayout(StrEnum):
    FOLDER = "folder"
    ZIP = "zip"
