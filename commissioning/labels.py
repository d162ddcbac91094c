"""Human labels for audit actions and record statuses: staff screens never show a code.

Audit actions are stored as stable codes ("application.submitted"); people read "Application submitted".
Every code the system writes has an entry in ``ACTION_LABELS`` (a test checks the source for new ones);
a code without one still reads as words, never as a code. Statuses read through each model's own
choices, found from the record's type, so this module imports no models (``outcomes`` may add its own).
"""

from django.core.exceptions import FieldDoesNotExist

ACTION_LABELS = {
    # Accounts, organisations and roles
    "account.signed_up": "Signed up",
    "account.email_confirmed": "Email address confirmed",
    "account.invited": "Invited to the staff area",
    "account.password_set": "Password set from an invitation",
    "organisation.created": "Organisation registered",
    "organisation.updated": "Organisation details changed",
    "organisation.name_change_requested": "New organisation name asked for",
    "organisation.name_change_superseded": "Earlier request for a new name replaced",
    "organisation.name_change_approved": "New organisation name approved",
    "organisation.name_change_rejected": "New organisation name rejected",
    "organisation.duplicate_found": "Duplicate organisation found",
    "membership.requested": "Asked to join an organisation",
    "membership.approved": "Request to join approved",
    "membership.rejected": "Request to join rejected",
    "role.added": "Role given",
    "role.removed": "Role taken away",
    # Applications
    "application.started": "Application started",
    "application.draft": "Application returned to draft",
    "application.submitted": "Application submitted",
    "application.ineligible": "Application found ineligible",
    "application.under_assessment": "Application under assessment",
    "application.scored": "Application scored",
    "application.moderated": "Application moderated",
    "application.approved": "Application approved",
    "application.rejected": "Application rejected",
    "application.reserve": "Application put on the reserve list",
    "application.withdrawn": "Application withdrawn",
    "applications.exported": "Applications exported",
    "attachment.uploaded": "Attachment uploaded",
    "attachment.deleted": "Attachment deleted",
    "attachment.downloaded": "Attachment downloaded",
    # Assessment and decisions
    "eligibility.checked": "Eligibility checks recorded",
    "assessment.assigned": "Assessor assigned",
    "assessment.conflict_declared": "Conflict of interest declared",
    "assessment.submitted": "Scores submitted",
    "assessment.reopened": "Scores reopened",
    "moderation.updated": "Moderated scores recorded",
    "decision.released": "Decision released to the provider",
    # Awards and payments
    "award.offered": "Award offered",
    "award.accepted": "Grant agreement accepted",
    "award.active": "Award active",
    "award.declined": "Award declined",
    "award.varied": "Award varied",
    "award.closed": "Award closed",
    "payment.scheduled": "Payment scheduled",
    "payment.approved": "Payment approved",
    "payment.held": "Payment held",
    "payment.paid": "Payment recorded as paid",
    "payment.cancelled": "Payment cancelled",
    # Returns
    "return.draft": "Return saved as a draft",
    "return.submitted": "Return submitted",
    "return.approved": "Return approved",
    "return.changes_requested": "Changes requested to a return",
    "return.removed": "Return removed",
    "return.reminder_due": "Reminder sent: return due soon",
    "return.reminder_overdue": "Reminder sent: return overdue",
    # Reporting and data
    "reporting.board_pack_downloaded": "Board pack downloaded",
    "reporting.data_exported": "Data exported",
    "reporting.data_imported": "Data imported",
    "data.repaired": "Out-of-range data repaired (migration)",
    # Email, security and retention
    "email.failed": "Email failed (will retry)",
    "email.gave_up": "Email failed (gave up)",
    "security.2fa_enabled": "Two-step sign-in turned on",
    "security.2fa_disabled": "Two-step sign-in turned off",
    "security.2fa_reset": "Two-step sign-in reset",
    "security.recovery_code_used": "Recovery code used",
    "security.recovery_codes_replaced": "Recovery codes replaced",
    "retention.application_anonymised": "Application anonymised (retention)",
    "retention.account_deactivated": "Account deactivated (retention)",
}


def humanise(code):
    """'changes_requested' -> 'Changes requested'; 'award.payment_run' -> 'Award: payment run'."""
    code = str(code or "").strip()
    if not code:
        return ""
    words = [part.replace("_", " ").strip() for part in code.split(".") if part]
    text = ": ".join(words)
    return text[:1].upper() + text[1:]


def action_label(code):
    return ACTION_LABELS.get(code) or humanise(code)


def action_choices(codes):
    """(code, label) pairs for a filter, sorted by label."""
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])


def state_label(code, model=None):
    """A status code as its model's own label ('changes_requested' -> 'Changes requested')."""
    if not code:
        return ""
    if model is not None:
        for name in ("status", "state"):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            label = dict(field.flatchoices).get(code)
            if label:
                return str(label)
    return humanise(code)


DATA_KEY_LABELS = {"allocation_bp": "Theme allocation", "typed_name": "Name typed", "format": "File format"}
MONEY_KEYS = {"amount", "final_spend", "clawback_amount", "approved_amount", "total_budget", "requested"}
# Audit entries whose data is {field: [before, after]}.
BEFORE_AFTER_ACTIONS = {"award.varied"}


def _data_value(key, value):
    import datetime as dt

    from . import formats

    if isinstance(value, dict):
        return "; ".join(f"{humanise(k)} {_data_value(key, v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_data_value(key, item) for item in value)
    if value is None:
        return "none"
    if key in MONEY_KEYS:
        return formats.money(value)
    if key.endswith("_bp"):
        return formats.percent(int(value) / 100, places=2)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return formats.govuk_date(dt.date.fromisoformat(value))
        except ValueError:
            pass
    return str(value)


def data_lines(action, data):
    """An audit entry's extra data as "Name: value" lines a person can read (never a raw dict)."""
    lines = []
    for key, value in (data or {}).items():
        label = DATA_KEY_LABELS.get(key) or humanise(key)
        if action in BEFORE_AFTER_ACTIONS and isinstance(value, (list, tuple)) and len(value) == 2:
            text = f"{_data_value(key, value[0])} → {_data_value(key, value[1])}"
        else:
            text = _data_value(key, value)
        lines.append(f"{label}: {text}")
    return lines
