"""Evidence attachments: drop or pick files, capture the screen; each shows its SHA-256."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.case import attachments, timeline
from rvr_desktop.evidence.case.attachments import Attachment, AttachmentSource
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.clock import format_local
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.progress import Cancelled, CancelToken, ProgressCallback
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.region_dialog import RegionDialog
from rvr_desktop.ui.screen_capture import crop, png_bytes
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.tasks import Task, Work

# Only images this small are decrypted into memory for a thumbnail.
THUMBNAIL_MAX_BYTES = 8 * 1024 * 1024
THUMBNAIL_SIZE = 72
ATTACHMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The vault's id of the attachment a row shows (an int; :attr:`Attachment.id`). Set when
the list is (re)loaded; read when the thumbnails made off the GUI thread arrive, to give
each row its picture."""


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


class AttachmentsPanel(QWidget):
    """The case's exhibits, and the ways to add one.

    Emits:
        import_finished(added: list[Attachment]): an import or capture completed.
        note_added(entry: TimelineEntry): a note was recorded with a capture (what it shows).
    """

    import_finished = Signal(object)
    note_added = Signal(object)

    def __init__(
        self, services: Services, vault: Vault, case_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self._case_id = case_id
        self._thumbnails: dict[int, QImage] = {}
        self._task: Task | None = None
        self.items: list[Attachment] = []
        self.setAcceptDrops(True)

        self.list = QListWidget(self)
        self.list.setAccessibleName("Attachments")
        self.list.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(3)
        self._file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

        self.attach_button = QPushButton("Attach files…", self)
        self.attach_button.setAccessibleName("Attach files")
        self.attach_button.setToolTip("Pick files to add as exhibits, or drop them here (Ctrl+O)")
        self.attach_button.clicked.connect(self.pick_files)
        self.capture_button = QPushButton("Capture screen…", self)
        self.capture_button.setAccessibleName("Capture screen")
        self.capture_button.setToolTip("Capture the video call as an exhibit (Ctrl+Shift+P)")
        self.capture_button.clicked.connect(self.capture_screen)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Import progress")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel the import")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.status = QLabel("Drop files here, or use Attach files.", self)
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.capture_button)
        buttons.addStretch(1)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        self._set_busy(False)
        self.reload()

    # ---- the list -------------------------------------------------------------------

    def reload(self) -> None:
        self.items = attachments.list_attachments(self._vault, self._case_id)
        self.list.clear()
        for item in self.items:
            source = "screen capture" if item.source is AttachmentSource.SCREEN_CAPTURE else "file"
            lines = [
                f"{item.exhibit_ref}  ·  {item.original_name}  ·  {human_size(item.size_bytes)}",
                f"{format_local(item.imported_utc_ms)[:19]}  ·  {source}",
                f"SHA-256 {item.sha256}",
            ]
            if item.description:
                lines.insert(1, item.description)
            row = QListWidgetItem("\n".join(lines))
            row.setData(ATTACHMENT_ID_ROLE, item.id)
            row.setToolTip(f"SHA-256: {item.sha256}")
            thumbnail = self._thumbnails.get(item.id)
            row.setIcon(
                self._file_icon if thumbnail is None else QIcon(QPixmap.fromImage(thumbnail))
            )
            self.list.addItem(row)
        self._load_thumbnails()

    def _load_thumbnails(self) -> None:
        wanted = [
            a
            for a in self.items
            if a.media_type.startswith("image/")
            and a.size_bytes <= THUMBNAIL_MAX_BYTES
            and a.id not in self._thumbnails
        ]
        if not wanted:
            return
        vault = self._vault

        def work(progress: ProgressCallback, cancel: CancelToken) -> dict[int, QImage]:
            made: dict[int, QImage] = {}
            for item in wanted:
                cancel.raise_if_cancelled("Making thumbnails")
                buffer = io.BytesIO()
                attachments.read_into(vault, item.id, buffer)
                image = QImage.fromData(buffer.getvalue())
                if not image.isNull():
                    made[item.id] = image.scaled(
                        THUMBNAIL_SIZE,
                        THUMBNAIL_SIZE,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
            return made

        task = self._services.tasks.start("thumbnails", work)
        task.succeeded.connect(self._on_thumbnails)
        task.failed.connect(self._on_thumbnail_failure)

    def _on_thumbnails(self, made: object) -> None:
        self._thumbnails.update(cast(dict[int, QImage], made))
        for index in range(self.list.count()):
            row = self.list.item(index)
            image = self._thumbnails.get(int(row.data(ATTACHMENT_ID_ROLE)))
            if image is not None:
                row.setIcon(QIcon(QPixmap.fromImage(image)))

    def _on_thumbnail_failure(self, error: object) -> None:
        if isinstance(error, BaseException) and not isinstance(error, Cancelled):
            self._services.errors.report(self, error, "showing the attachments' pictures")

    def has_thumbnail(self, attachment_id: int) -> bool:
        return attachment_id in self._thumbnails

    # ---- importing ------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.attach_button.setEnabled(not busy)
        self.capture_button.setEnabled(not busy)
        if busy:
            self.progress.setRange(0, 0)

    def pick_files(self) -> None:
        if self.busy:
            return
        paths = self._services.dialogs.pick_files(self, "Attach files to this case")
        if paths:
            self.import_paths(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if not self.busy and urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def import_paths(self, paths: list[Path]) -> None:
        """Import files one after another on a worker thread, with progress and Cancel."""
        if self.busy:
            return
        vault, case_id = self._vault, self._case_id

        def work(progress: ProgressCallback, cancel: CancelToken) -> ImportOutcome:
            sizes = []
            for path in paths:
                try:
                    sizes.append(os.stat(path).st_size)
                except OSError:
                    sizes.append(0)
            total = sum(sizes)
            outcome = ImportOutcome()
            before = 0
            for path, size in zip(paths, sizes, strict=True):

                def overall(done: int, _total: int, base: int = before) -> None:
                    progress(base + done, total)

                try:
                    outcome.added.append(
                        attachments.import_file(
                            vault, case_id, path, progress=overall, cancel=cancel
                        )
                    )
                except Cancelled:
                    raise
                except RvrError as exc:
                    outcome.problems.append(str(exc))
                before += size
            return outcome

        self._start(work, f"Importing {len(paths)} file{'s' if len(paths) != 1 else ''}…")

    def capture_screen(self) -> None:
        """Take a picture of the screen now, let the officer choose a region, import it."""
        if self.busy:
            return
        taken_ms = self._vault.clock.utc_now_ms()
        picture = self._services.screen.grab()
        dialog = RegionDialog(picture, self)
        try:
            if not self._services.dialogs.run(dialog):
                return
            region = dialog.region()
            shows = dialog.description
        finally:
            dialog.deleteLater()
        data = png_bytes(crop(picture, region))
        stamp = format_local(taken_ms)
        name = "screen-capture-" + stamp[:19].replace(" ", "-").replace(":", "") + ".png"
        what = "region of the screen" if region is not None else "whole screen"
        vault, case_id = self._vault, self._case_id

        def work(progress: ProgressCallback, cancel: CancelToken) -> ImportOutcome:
            attachment = attachments.import_stream(
                vault,
                case_id,
                io.BytesIO(data),
                original_name=name,
                media_type="image/png",
                source_kind=AttachmentSource.SCREEN_CAPTURE,
                description=f"{shows} (capture of the {what}, taken {stamp})",
                size_hint=len(data),
                progress=progress,
                cancel=cancel,
            )
            outcome = ImportOutcome(added=[attachment])
            text = f"Screen capture {attachment.exhibit_ref}: {shows}"
            try:
                outcome.notes.append(timeline.append_note(vault, case_id, text))
            except RvrError as exc:
                outcome.problems.append(f"The capture is saved, but its note is not: {exc}")
            return outcome

        self._start(work, "Saving the screen capture…")

    def _start(self, work: Work, label: str) -> None:
        self._set_busy(True)
        self.status.setText(label)
        task = self._services.tasks.start("import", work)
        self._task = task
        task.progress.connect(self._on_progress)
        task.succeeded.connect(self._on_imported)
        task.failed.connect(self._on_import_failed)

    def cancel_import(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.status.setText("Cancelling…")

    def _on_progress(self, done: object, total: object) -> None:
        done_i, total_i = int(str(done)), int(str(total))
        if total_i > 0:
            # QProgressBar holds a 32-bit int: show per mille rather than bytes.
            self.progress.setRange(0, 1000)
            self.progress.setValue(min(1000, done_i * 1000 // total_i))

    def _on_imported(self, outcome: object) -> None:
        outcome = cast(ImportOutcome, outcome)
        self._task = None
        self._set_busy(False)
        refs = ", ".join(a.exhibit_ref for a in outcome.added)
        self.status.setText(f"Added {refs}." if refs else "Nothing was added.")
        self.reload()
        if outcome.problems:
            self._services.dialogs.show_error(self, "RVR Desktop", "\n\n".join(outcome.problems))
        for note in outcome.notes:
            self.note_added.emit(note)
        self.import_finished.emit(list(outcome.added))

    def _on_import_failed(self, error: object) -> None:
        self._task = None
        self._set_busy(False)
        if isinstance(error, Cancelled):
            self.status.setText("Import cancelled. Nothing was saved from it.")
        else:
            self.status.setText("The import did not complete.")
            self._services.errors.report(
                self, cast(BaseException, error), "importing the attachment"
            )
        self.reload()


class ImportOutcome:
    """What an import added, and the files it could not add (with the reason)."""

    def __init__(self, added: list[Attachment] | None = None) -> None:
        self.added: list[Attachment] = added or []
        self.notes: list[TimelineEntry] = []
        """Notes recorded with the import (a screen capture's description)."""
        self.problems: list[str] = []
