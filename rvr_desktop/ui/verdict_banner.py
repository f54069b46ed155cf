"""The verdict at the top of the Verify window: VERIFIED or NOT VERIFIED, in colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from rvr_desktop.evidence.bundle.result import Aspect, BundleStatus, Outcome, Verdict

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


FAILED_HEADLINES = {
    Aspect.INTEGRITY: "NOT VERIFIED: ALTERED OR INCOMPLETE",
    Aspect.SIGNATURE: "NOT VERIFIED: SIGNATURE DOES NOT MATCH",
    Aspect.TRUST: "NOT VERIFIED: SIGNER NOT TRUSTED",
    Aspect.REVOCATION: "NOT VERIFIED: CERTIFICATE WITHDRAWN",
    Aspect.RETENTION: "NOT VERIFIED: NOT KEPT UNALTERABLE",
}
"""The headline for a bundle that failed, by what its first failed check speaks to: the
words themselves say what is wrong, not only the colour."""

UNSAFE_HEADLINE = "NOT VERIFIED: CANNOT BE READ SAFELY"
UNSAFE_CHECK = "bundle can be read safely"
NOT_TRUSTED_HEADLINE = "NOT VERIFIED: SIGNER NOT TRUSTED"


def headline_of(status: BundleStatus) -> str:
    """VERIFIED, or NOT VERIFIED with what went wrong in a few words: an unaltered bundle
    whose signer no trusted root vouches for reads differently from an altered one. A
    training bundle's says it is not evidence."""
    if status.verdict is Verdict.NOT_TRUSTED:
        return NOT_TRUSTED_HEADLINE
    if status.verdict is Verdict.FAILED:
        failed = next((ch for ch in status.checks if ch.outcome is Outcome.FAIL), None)
        if failed is None:
            return "NOT VERIFIED"
        if failed.name == UNSAFE_CHECK:
            return UNSAFE_HEADLINE
        return FAILED_HEADLINES.get(failed.aspect, "NOT VERIFIED")
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
        self.headline.setWordWrap(True)
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
