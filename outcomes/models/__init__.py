"""Outcomes' models: awards, their allocation, targets and payments; quarterly returns and their reviews."""

from .awards import ALLOCATION_FIELDS, FULL_ALLOCATION_BP, Award, AwardStatus, IndicatorTarget, PaymentBasis, Variation  # noqa: F401
from .payments import Payment, PaymentStatus  # noqa: F401
from .returns import IndicatorResult, QuarterlyReturn, ReturnRound, ReturnSpend, ReturnStatus  # noqa: F401
