"""The names in an RVR bundle: a BagIt 1.0 bag with SHA-256 manifests and a signed tag manifest.

The CMS signature of the tag manifest sits at the bag's root as a tag file that no
manifest lists: the tag manifest cannot list its own signature (the signature covers
the manifest's bytes), and listing it in the payload manifest would put it under
``data/``. RFC 8493 only says a tag manifest SHOULD list the other tag files, and
bagit-python ignores root files that no manifest lists, so the bag stays valid for both.
Our reader accepts exactly this one unlisted file, and the folder of archive time-stamps.

Two tag folders keep the signature checkable for years (docs/bundle-format.md):
``validation/`` holds the signer's chain and revocation answers fetched before signing,
listed in the tag manifest and so signed; ``archive-timestamps/`` holds RFC 3161 tokens
added at export and later (``rvr-desktop bundle renew``), each over the tag manifest, the
signature and everything before it. No manifest can list those (they are made after the
signature), so they vouch for themselves: the verifier re-checks each token over exactly
what it must cover, and nothing else may sit in that folder.
"""

from __future__ import annotations

from enum import StrEnum

BAGIT_TXT = "bagit.txt"
BAG_INFO_TXT = "bag-info.txt"
MANIFEST_TXT = "manifest-sha256.txt"
TAGMANIFEST_TXT = "tagmanifest-sha256.txt"
SIGNATURE_P7S = "tagmanifest-sha256.txt.p7s"
FETCH_TXT = "fetch.txt"
VALIDATION_DIR = "validation"
ARCHIVE_TIMESTAMPS_DIR = "archive-timestamps"
PAYLOAD_DIR = "data"
PAYLOAD_PREFIX = PAYLOAD_DIR + "/"

BAGIT_VERSION = "1.0"
TAG_ENCODING = "UTF-8"

PAYLOAD_OXUM = "Payload-Oxum"
BAGGING_DATE = "Bagging-Date"


class BundleLayout(StrEnum):
    FOLDER = "folder"
    ZIP = "zip"
