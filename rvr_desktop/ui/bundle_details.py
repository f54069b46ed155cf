"""Who signed a bundle, when, which root vouches for them, and what bag-info.txt says."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser, QWidget

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.result import BundleStatus
from rvr_desktop.evidence.signing.certs import grouped_fingerprint

EXPORT_FIELDS = (
    (c.INFO_CASE, "Case reference"),
    (c.INFO_OFFICER, "Exported by"),
    (c.INFO_EXPORTED, "Exported at"),
    (c.INFO_RECIPIENT, "Recipient"),
    (c.INFO_CHAIN_CODE, "Audit chain code"),
    (c.INFO_SOFTWARE, "Exported with"),
)


def detail_sections(status: BundleStatus) -> list[tuple[str, list[tuple[str, str]]]]:
    """The facts as (section, [(label, value)]) in the order an evidence officer reads them."""
    export = [(shown, status.info(label) or "—") for label, shown in EXPORT_FIELDS]
    if status.disclosure_places is not None:
        count = status.disclosure_places
        export.append(
            (
                "Disclosure check",
                "no restricted detail outside data/restricted/"
                if count == 0
                else f"{count} place{'s' if count != 1 else ''} where a restricted detail "
                "appears outside data/restricted/: redact them before disclosure",
            )
        )
    if status.signer is None:
        signer = [("Signer", "no signature could be read")]
    else:
        signer = [("", line) for line in status.signer.display_lines()]
    when = (
        "—" if status.signing_time is None else status.signing_time.strftime("%Y-%m-%d %H:%M:%S %Z")
    )
    signer.append(("Signed at", when))
    if status.trusted_root is None:
        trust = [("Trusted", "no: none of your trusted roots vouches for the signer")]
    else:
        root = status.trusted_root
        trust = [
            ("Trusted", "yes"),
            ("Root", root.summary.common_name),
            ("Root subject", root.summary.subject),
            ("Root SHA-256", grouped_fingerprint(root.sha256_fingerprint)),
        ]
    checked = [
        ("Bundle", str(status.bundle)),
        ("Checked at", status.verified_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Checked by", status.software),
        *(("Note", note) for note in status.notes),
    ]
    return [
        ("Export", export),
        ("Signer", signer),
        ("Trust", trust),
        ("This check", checked),
    ]


def summary_text(status: BundleStatus) -> str:
    """Everything the window shows, as plain text for the clipboard or an email."""
    lines = [status.verdict_text, ""]
    for section, rows in detail_sections(status):
        lines.append(f"{section}:")
        lines.extend(f"  {label}: {value}" if label else f"  {value}" for label, value in rows)
        lines.append("")
    lines.append("Checks:")
    lines.extend(f"  {ch.outcome.value:<13} {ch.name}: {ch.reason}" for ch in status.checks)
    failing = [f for f in status.files if not f.ok]
    lines.append("")
    lines.append(f"Files: {len(status.files)} checked, {len(failing)} failing")
    lines.extend(f"  {f.message}" for f in failing)
    return "\n".join(lines) + "\n"


class BundleDetails(QTextBrowser):
    """The facts about the bundle, selectable and copyable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Signer and export details")
        self.setOpenLinks(False)

    def show_status(self, status: BundleStatus) -> None:
        parts = []
        for section, rows in detail_sections(status):
            parts.append(f"<h3>{html.escape(section)}</h3><table cellspacing='2'>")
            for label, value in rows:
                shown = html.escape(value)
                if "TEST IDENTITY" in value:
                    shown = f"<b style='color:#b42318'>{shown}</b>"
                parts.append(
                    f"<tr><td style='color:#4a5361;padding-right:12px'>{html.escape(label)}</td>"
                    f"<td>{shown}</td></tr>"
                )
            parts.append("</table>")
        self.setHtml("".join(parts))
