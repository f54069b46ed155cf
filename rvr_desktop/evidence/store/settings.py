"""Where and how the force keeps its evidence: the store's settings, set by the force.

They live in the ``[evidence_store]`` section of the app's settings file (the same file the
window keeps its layout in, in ``paths.settings_dir()``), written there by the force's IT
(docs/admin-guide.md); never in case data. A command-line flag may override each one for
a run. Nothing here is secret: credentials come from boto3's standard chain or from the
vault (see :mod:`.credentials`).
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.paths import settings_file

SECTION = "evidence_store"

# S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens, starting and
# ending with a letter or digit (the rules AWS, Ceph and MinIO share).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_RETENTION_DAYS = 100 * 366
MIN_PART_MIB = 5
MAX_PART_MIB = 5 * 1024


class RetentionMode(StrEnum):
    COMPLIANCE = "COMPLIANCE"
    """Nobody, not even the store's administrator, can delete the object or shorten its
    retention until it ends (what evidence needs)."""
    GOVERNANCE = "GOVERNANCE"
    """Users with a special permission can lift the lock: for trials of the set-up only."""


class StoreNotConfigured(InvalidInput):
    def __init__(self, missing: str) -> None:
        super().__init__(
            f"The force's evidence store is not set up on this computer ({missing}). Ask "
            "your IT team to set the [evidence_store] section of the settings file (see the "
            "administrator's guide), or give it with --bucket and --retention-days."
        )


class StoreSettingInvalid(InvalidInput):
    def __init__(self, name: str, value: str, rule: str) -> None:
        super().__init__(
            f"The evidence store setting {name} = {value!r} cannot be used: {rule}. Ask your "
            "IT team to correct the settings file (see the administrator's guide)."
        )


@dataclass(frozen=True)
class StoreSettings:
    """The force's evidence store, as the force configured it."""

    bucket: str
    """The bucket, created with Object Lock enabled."""
    retention_days: int
    """How long each bundle is kept unalterable, in days from its submission."""
    retention_mode: RetentionMode = RetentionMode.COMPLIANCE
    endpoint_url: str = ""
    """The S3 endpoint (Ceph RGW, MinIO, ...); empty for AWS's own, or boto3's
    configuration (AWS_ENDPOINT_URL, profiles)."""
    region: str = ""
    """The store's region; empty for boto3's configuration."""
    prefix: str = ""
    """Prepended to every object key (for example 'rvr/'); may be empty."""
    legal_hold: bool = False
    """Also place a legal hold on each object (kept until explicitly released)."""
    part_size_mib: int = 16
    """The size of each uploaded part: smaller resumes sooner on a flaky network, larger
    makes fewer requests. S3 allows 5 MiB to 5 GiB."""

    def key_for(self, bundle_name: str) -> str:
        """The object key: the prefix and the bundle's own name, which holds the case
        reference and the export time only, never a person's name."""
        return self.prefix + bundle_name

    def checked(self) -> StoreSettings:
        """These settings, or :class:`StoreSettingInvalid` naming the first wrong one."""
        if not _BUCKET.fullmatch(self.bucket) or ".." in self.bucket:
            raise StoreSettingInvalid(
                "bucket",
                self.bucket,
                "a bucket name is 3 to 63 lower-case letters, digits, dots and hyphens",
            )
        if not 1 <= self.retention_days <= MAX_RETENTION_DAYS:
            raise StoreSettingInvalid(
                "retention_days", str(self.retention_days), "it must be a whole number of days"
            )
        if self.endpoint_url and not self.endpoint_url.startswith(("https://", "http://")):
            raise StoreSettingInvalid(
                "endpoint_url", self.endpoint_url, "it must be an https:// address"
            )
        if not MIN_PART_MIB <= self.part_size_mib <= MAX_PART_MIB:
            raise StoreSettingInvalid(
                "part_size_mib",
                str(self.part_size_mib),
                f"a part is {MIN_PART_MIB} to {MAX_PART_MIB} MiB",
            )
        if self.prefix.startswith("/") or ".." in self.prefix.split("/"):
            raise StoreSettingInvalid(
                "prefix", self.prefix, "it must be a relative key prefix such as 'rvr/'"
            )
        return self


def load_store_settings(
    path: Path | None = None,
    *,
    bucket: str | None = None,
    retention_days: int | None = None,
    endpoint_url: str | None = None,
    region: str | None = None,
    prefix: str | None = None,
    legal_hold: bool | None = None,
) -> StoreSettings:
    """The force's settings from the settings file, each flag given overriding its value."""
    section = _read_section(path or settings_file())
    found_bucket = bucket if bucket is not None else section.get("bucket", "").strip()
    if not found_bucket:
        raise StoreNotConfigured("no bucket is set")
    days_text = (
        str(retention_days)
        if retention_days is not None
        else section.get("retention_days", "").strip()
    )
    if not days_text:
        raise StoreNotConfigured("no retention period is set")
    settings = StoreSettings(
        bucket=found_bucket,
        retention_days=_whole_number("retention_days", days_text),
        retention_mode=_mode(section.get("retention_mode", "COMPLIANCE")),
        endpoint_url=section.get("endpoint_url", "").strip(),
        region=section.get("region", "").strip(),
        prefix=section.get("prefix", "").strip(),
        legal_hold=_yes_no("legal_hold", section.get("legal_hold", "false")),
        part_size_mib=_whole_number("part_size_mib", section.get("part_size_mib", "16")),
    )
    overrides = {
        name: value
        for name, value in (
            ("endpoint_url", endpoint_url),
            ("region", region),
            ("prefix", prefix),
            ("legal_hold", legal_hold),
        )
        if value is not None
    }
    return replace(settings, **overrides).checked()  # type: ignore[arg-type]


def _read_section(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise InvalidInput(
            f"The settings file {path} cannot be read ({exc}). Ask your IT team to check it."
        ) from exc
    if not parser.has_section(SECTION):
        return {}
    return {key: value for key, value in parser.items(SECTION)}


def _whole_number(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise StoreSettingInvalid(name, text, "it must be a whole number") from None


def _mode(text: str) -> RetentionMode:
    try:
        return RetentionMode(text.strip().upper())
    except ValueError:
        raise StoreSettingInvalid(
            "retention_mode", text, "it must be COMPLIANCE (or GOVERNANCE for a trial)"
        ) from None


def _yes_no(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0", ""):
        return False
    raise StoreSettingInvalid(name, text, "it must be true or false")
