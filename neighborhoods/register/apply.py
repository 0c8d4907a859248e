"""The import's steps that write: the preview kept until confirmed, a large file received for
its background check, the confirmation (all or nothing), the abandon and the daily purge."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import Dwelling, RegisterImport, User
from ..summaries import register_sizes_refresh
from .check import Plan, kept_content, kept_rows, plan_rows
from .parse import (
    UPDATED_FIELDS,
    RegisterFileError,
    check_size,
    file_kind,
    read_rows,
)

# Writing ------------------------------------------------------------------------------------


def register_import_preview(
    *, user: User, name: str, content: bytes
) -> tuple[Plan, RegisterImport | None]:
    """Dry run: check the file; when it is clean, keep its register columns for confirmation.

    Writes no dwelling. The user's earlier previews left unconfirmed are abandoned (emptied).
    """
    rows = read_rows(name, content)
    plan = plan_rows(rows, user=user)
    if not plan.ok:
        return plan, None
    with transaction.atomic():
        _abandon(RegisterImport.objects.filter(uploaded_by=user))
        pending = RegisterImport.objects.create(
            uploaded_by=user, filename=name[:255], content=kept_content(rows), rows=plan.rows
        )
    return plan, pending


def estimated_rows(name: str, content: bytes) -> int:
    """About how many rows the file holds, without parsing it (to choose between the request
    and a background job): its lines for a CSV; for a workbook, its sheets' unzipped size
    over what a row of the register takes in a sheet's XML (about 150 bytes)."""
    if (name or "").lower().endswith(".xlsx"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                sheets = [m for m in archive.infolist() if m.filename.startswith("xl/worksheets/")]
        except (zipfile.BadZipFile, ValueError, OSError):
            return 0  # unreadable: the request refuses it at once
        return sum(m.file_size for m in sheets) // 150
    return content.count(b"\n")


def register_import_receive(*, user: User, name: str, content: bytes) -> RegisterImport:
    """Keep a large file whole until a background job checks it (`register_import_check`).

    Bounded like any file (size, type) before it is kept; the user's earlier previews are
    abandoned. The whole file is kept only until the check, which keeps the register's
    columns or empties it; the daily purge erases one whose check never ran.
    """
    check_size(len(content))
    file_kind(name, content[:8])
    with transaction.atomic():
        _abandon(RegisterImport.objects.filter(uploaded_by=user))
        return RegisterImport.objects.create(
            uploaded_by=user,
            filename=name[:255],
            content=content,
            status=RegisterImport.Status.CHECKING,
        )


def _locked_import(*, user: User, pending_id: int) -> RegisterImport:
    """The user's own import `pending_id`, locked for the transaction; refused otherwise."""
    pending = (
        RegisterImport.objects.select_for_update().filter(pk=pending_id, uploaded_by=user).first()
    )
    if pending is None:
        raise RegisterFileError(_("Cet import n'existe pas ou n'est pas le vôtre."))
    return pending


def register_import_check(*, user: User, pending_id: int) -> tuple[Plan, RegisterImport]:
    """The dry run of a received file (in a background job): when clean it becomes a pending
    import with its register columns only, ready to confirm; otherwise it is abandoned and
    emptied, and the plan says why. Writes no dwelling; one transaction (a retry after a crash
    finds the file as received). RegisterFileError when the file cannot be read (emptied too).
    """
    with transaction.atomic():
        pending = _locked_import(user=user, pending_id=pending_id)
        if pending.status != RegisterImport.Status.CHECKING:
            # Checked already (a retry), confirmed or abandoned since: nothing to do again.
            return Plan(), pending
        try:
            rows = read_rows(pending.filename, bytes(pending.content))
        except RegisterFileError as error:
            unreadable = error
        else:
            unreadable = None
        if unreadable is not None:
            _abandon(RegisterImport.objects.filter(pk=pending.pk))
    if unreadable is not None:
        raise unreadable  # after the commit: the file is emptied all the same
    with transaction.atomic():
        pending = RegisterImport.objects.select_for_update().get(pk=pending.pk)
        if pending.status != RegisterImport.Status.CHECKING:
            return Plan(), pending
        plan = plan_rows(rows, user=user)
        if plan.ok:
            pending.status = RegisterImport.Status.PENDING
            pending.content = kept_content(rows)
            pending.rows = plan.rows
            pending.save(update_fields=["status", "content", "rows"])
        else:
            _abandon(RegisterImport.objects.filter(pk=pending.pk))
            pending.refresh_from_db()
        return plan, pending


def register_import_apply(
    *, user: User, pending_id: int, progress: Callable[[int], object] | None = None
) -> tuple[Plan, RegisterImport]:
    """Apply a previewed file: add and update dwellings, all or nothing, and mark it applied.

    The file is checked again under the transaction, since the register may have changed
    since the preview; any error rejects it whole and writes nothing. Once applied, the kept
    content is emptied: the row only says who imported which file, with what result.
    `progress(rows)` is told the dwellings written by each slice of APPLY_SLICE, while the
    transaction is still open (a job's page shows them as they come).
    """
    tell = progress or (lambda rows: None)
    with transaction.atomic():
        pending = _locked_import(user=user, pending_id=pending_id)
        if pending.status == RegisterImport.Status.APPLIED:
            raise RegisterFileError(_("Ce fichier a déjà été importé."))
        if pending.status == RegisterImport.Status.ABANDONED:
            raise RegisterFileError(
                _("Cet aperçu a été abandonné et son contenu effacé : redéposez le fichier.")
            )
        if pending.status == RegisterImport.Status.CHECKING:
            raise RegisterFileError(
                _("Ce fichier est encore en cours de vérification : attendez la fin de l'aperçu.")
            )
        plan = plan_rows(kept_rows(pending), user=user)
        if not plan.ok:
            return plan, pending
        reason = _("Import du registre : %(file)s") % {"file": pending.filename}
        for rows in _slices(plan.to_create):
            bulk_create_with_history(
                rows, Dwelling, batch_size=1000, default_user=user, default_change_reason=reason
            )
            tell(len(rows))
        if plan.to_create:
            register_sizes_refresh({dwelling.neighbourhood_id for dwelling in plan.to_create})
        for rows in _slices(plan.to_update):
            bulk_update_with_history(
                rows,
                Dwelling,
                ["updated_at", *UPDATED_FIELDS],
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
            )
            tell(len(rows))
        pending.status = RegisterImport.Status.APPLIED
        pending.applied_at = timezone.now()
        pending.created_count = len(plan.to_create)
        pending.updated_count = len(plan.to_update)
        pending.content = b""
        pending.save(
            update_fields=["status", "applied_at", "created_count", "updated_count", "content"]
        )
        return plan, pending


APPLY_SLICE = 5000


def _slices(rows: list) -> list[list]:
    return [rows[i : i + APPLY_SLICE] for i in range(0, len(rows), APPLY_SLICE)]


def _abandon(imports) -> int:
    """Empty and mark abandoned the pending (or still checked) imports among `imports`;
    returns how many."""
    waiting = [RegisterImport.Status.PENDING, RegisterImport.Status.CHECKING]
    return imports.filter(status__in=waiting).update(
        status=RegisterImport.Status.ABANDONED, content=b""
    )


def register_import_cancel(*, user: User, pending_id: int) -> RegisterImport:
    """Abandon a preview: its kept content is emptied at once. A no-op when already abandoned."""
    with transaction.atomic():
        pending = _locked_import(user=user, pending_id=pending_id)
        if pending.status == RegisterImport.Status.APPLIED:
            raise RegisterFileError(_("Ce fichier a déjà été importé."))
        _abandon(RegisterImport.objects.filter(pk=pending.pk))
        pending.refresh_from_db()
        return pending


def register_imports_purge(*, now: datetime.datetime | None = None) -> int:
    """Abandon the previews older than REGISTER_PREVIEW_HOURS that nobody confirmed (the daily
    job): the tenants' data they hold goes; returns how many."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(hours=settings.REGISTER_PREVIEW_HOURS)
    with transaction.atomic():
        return _abandon(RegisterImport.objects.filter(uploaded_at__lt=limit))
