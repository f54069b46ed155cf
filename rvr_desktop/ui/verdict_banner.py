"""The verdict at the top of the Verify window: VERIFIED or NOT VERIFIED, in colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from rvr_desktop.evidence.bundle.result import BundleStatus, Verdict

TRUST_HINT = (
    "The signer may be genuine, but none of your trusted roots vouches for them. Add the "
    "force's root with Trusted roots…, then verify again."
)


OUTCOME_STYLES = {
    Verdict.VERIFIED: "pass",
    Verdict.NOT_TRUSTED: "indeterminate",
    Verdict.FAILED: "fail",
}
"""The stylesheet's name for each verdict's colour."""


def headline_of(status: BundleStatus) -> str:
    """VERIFIED or NOT VERIFIED; a training bundle's says it is not evidence."""
    if status.verdict is not Verdict.VERIFIED:
        return "NOT VERIFIED"
    return "VERIFIED: TRAINING BUNDLE, NOT EVIDENCE" if status.is_test_identity else "VERIFIED"


def outcome_of(status: BundleStatus) -> str:
    """'pass', 'indeterminate' (intact and signed, trust not established) or 'fail'."""
    return OUTCOME_STYLES[status.verdict]


class VerdictBanner(QWidget):
    """A headline, the core's verdict sentence, and a TEST-identity warning when it applies."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel(self)
        self.headline.setObjectName("verdictHeadline")
        self.headline.setAccessibleName("Verdict")
        self.detail = QLabel(self)
        self.detail.setObjectName("verdictDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_warning = QLabel("TEST IDENTITY - NOT FOR EVIDENCE", self)
        self.test_warning.setObjectName("testBanner")
        self.test_warning.setAccessibleName("Test identity warning")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.test_warning)
        self.clear("Open an evidence bundle (a folder or a .zip), or drop one here.")

    def _set_outcome(self, outcome: str) -> None:
        self.headline.setProperty("outcome", outcome)
        self.headline.style().unpolish(self.headline)
        self.headline.style().polish(self.headline)

    def clear(self, message: str) -> None:
        self.headline.setText("No bundle checked")
        self._set_outcome("none")
        self.detail.setText(message)
        self.test_warning.hide()

    def show_status(self, status: BundleStatus) -> None:
        outcome = outcome_of(status)
        self.headline.setText(headline_of(status))
        self._set_outcome(outcome)
        text = status.verdict_text
        if outcome == "indeterminate":
            text += "\n" + TRUST_HINT
        self.detail.setText(text)
        self.test_warning.setVisible(status.is_test_identity)
