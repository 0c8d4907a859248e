"""Background jobs of the register: thin wrappers around `register`'s services.

The preview of a large file is checked whole in one transaction
(`register.register_import_check`): killed, the file stays as received and the retry checks it
again. The confirmation of a large file writes every dwelling in one transaction
(`register.register_import_apply`, its slices shown on the job's page as they are
written): a worker killed in the middle leaves the register as it
was and the import still pending, so the retried job applies it whole; a job run again after
it succeeded finds the import applied and writes nothing.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from brest_internet.jobs import runner

from . import register
from .models import RegisterImport, User


class RegisterChanged(register.RegisterFileError):
    """The register changed since the preview: the file now has errors (nothing written)."""


@runner.task(
    name="neighborhoods.register_import_apply",
    label=gettext_lazy("Import du registre"),
    expected=(register.RegisterFileError,),
)
def register_import_apply(progress, *, pending_id: int, user_id: int):
    user = User.objects.get(pk=user_id)
    pending = RegisterImport.objects.filter(pk=pending_id).defer("content").first()
    if pending is not None and pending.status == RegisterImport.Status.APPLIED:
        # A retry after the import committed: it is done, nothing to write again.
        return _summary(pending)
    progress.todo(pending.rows if pending else 0)
    plan, pending = register.register_import_apply(
        user=user, pending_id=pending_id, progress=progress.advance
    )
    if not plan.ok:
        raise RegisterChanged(
            _("Le registre a changé depuis l'aperçu. %(refusal)s") % {"refusal": _refusal(plan)}
        )
    return _summary(pending)


@runner.task(
    name="neighborhoods.register_import_check",
    label=gettext_lazy("Vérification d'un fichier du registre"),
    expected=(register.RegisterFileError,),
)
def register_import_check(progress, *, pending_id: int, user_id: int):
    """The preview of a large file: checked whole, then ready to confirm (or refused)."""
    user = User.objects.get(pk=user_id)
    plan, pending = register.register_import_check(user=user, pending_id=pending_id)
    if not plan.ok:
        raise register.RegisterFileError(_refusal(plan))
    progress.todo(pending.rows)
    progress.advance(pending.rows)
    if pending.status != RegisterImport.Status.PENDING:
        return _("Ce fichier n'attend plus de vérification (%(status)s).") % {
            "status": pending.get_status_display()
        }
    counts = {"n": plan.rows, "create": len(plan.to_create), "update": len(plan.to_update)}
    text = " ".join(
        [
            ngettext(
                "Fichier vérifié, sans erreur : %(n)d ligne.",
                "Fichier vérifié, sans erreur : %(n)d lignes.",
                plan.rows,
            ),
            ngettext(
                "Logement à ajouter : %(create)d.",
                "Logements à ajouter : %(create)d.",
                counts["create"],
            ),
            ngettext(
                "Logement à mettre à jour : %(update)d.",
                "Logements à mettre à jour : %(update)d.",
                counts["update"],
            ),
            _("Rien n'est écrit avant votre confirmation."),
        ]
    )
    return runner.Outcome(
        text % counts,
        next_url=reverse("neighborhoods:register_import"),
        next_label=_("Confirmer ou abandonner l'import"),
    )


def _refusal(plan) -> str:
    errors = " ".join(
        _("Ligne %(n)d : %(m)s") % {"n": e.line, "m": e.message} for e in plan.errors[:10]
    )
    more = plan.error_count - min(10, len(plan.errors))
    text = _("Le fichier est refusé en entier, rien n'a été importé. %(errors)s") % {
        "errors": errors
    }
    if more > 0:
        text += " " + ngettext("Et %(n)d autre erreur.", "Et %(n)d autres erreurs.", more) % {
            "n": more
        }
    return text


def _defer(task, *, user: User, pending: RegisterImport, lock: str, already_queued, **extra):
    """Queue `task` on the user's import `pending`, once at a time (`lock`)."""
    return runner.defer(
        task,
        by=user,
        organisation=user.organisation,
        scope=pending.filename,
        target=str(pending.pk),
        queueing_lock=f"{lock}:{pending.pk}",
        already_queued=already_queued,
        pending_id=pending.pk,
        user_id=user.pk,
        **extra,
    )


def register_import_check_defer(*, user: User, pending: RegisterImport):
    return _defer(
        register_import_check,
        user=user,
        pending=pending,
        lock="register-check",
        already_queued=_("La vérification de ce fichier est déjà en attente ou en cours."),
    )


def _summary(pending) -> str:
    return _("Registre importé. Logements ajoutés : %(created)d ; mis à jour : %(updated)d.") % {
        "created": pending.created_count,
        "updated": pending.updated_count,
    }


def runs_in_background(rows: int) -> bool:
    """A file of more than REGISTER_JOB_ROWS rows is worked on by a job, not the request."""
    return rows > settings.REGISTER_JOB_ROWS


def register_import_apply_defer(*, user: User, pending: RegisterImport):
    return _defer(
        register_import_apply,
        user=user,
        pending=pending,
        lock="register-import",
        already_queued=_("L'import de ce fichier est déjà en attente ou en cours."),
        lines_todo=pending.rows,
    )
