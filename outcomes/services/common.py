"""Small helpers shared by the outcomes services."""

from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.permissions import can

PENNY = Decimal("0.01")


class TransitionError(ValidationError):
    """A move the lifecycle does not allow from the current state (shown to the user as a message)."""


def check(actor, action, obj=None):
    """Refuse unless ``actor`` may take ``action`` (system actions pass actor=None and skip this)."""
    if actor is not None and not can(actor, action, obj):
        raise PermissionDenied("You do not have permission to do that.")


def split_money(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` equal amounts to the penny; the leftover pennies go on the last."""
    if parts <= 0:
        return []
    share = (total / parts).quantize(PENNY, rounding=ROUND_DOWN)
    amounts = [share] * parts
    amounts[-1] = total - share * (parts - 1)
    return amounts


def money(value) -> Decimal:
    return Decimal(value).quantize(PENNY)
