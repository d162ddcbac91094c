"""Exact apportionment of money across the four strategy themes.

Amounts are handled as integer pence, never floats (SQLite sums decimals as floating point), and each
award's or payment's amount is split by its basis points with the largest-remainder rule, so that the four
theme parts of every amount add up to it exactly and every total reconciles to the penny.
"""

from decimal import ROUND_HALF_UP, Decimal

from outcomes.models import ALLOCATION_FIELDS, FULL_ALLOCATION_BP

THEME_SLUGS = tuple(ALLOCATION_FIELDS)
BP_FIELDS = tuple(ALLOCATION_FIELDS.values())
PENNY = Decimal("0.01")


def to_pence(amount) -> int:
    return int((Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def from_pence(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(PENNY)


def apportion_pence(pence: int, basis_points) -> list[int]:
    """Split ``pence`` by ``basis_points`` (summing to 10000). Each part is rounded down, then the pennies
    left over go one each to the parts with the largest remainders (ties: the earlier theme)."""
    basis_points = list(basis_points)
    if sum(basis_points) != FULL_ALLOCATION_BP:
        raise ValueError(f"Theme allocation must total {FULL_ALLOCATION_BP} basis points, not {sum(basis_points)}.")
    exact = [pence * bp for bp in basis_points]
    parts = [value // FULL_ALLOCATION_BP for value in exact]
    leftover = pence - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] % FULL_ALLOCATION_BP), i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts


def apportion(amount, basis_points) -> dict[str, Decimal]:
    """{theme slug: Decimal amount} for one amount and its four basis-point columns (in theme order)."""
    return dict(zip(THEME_SLUGS, (from_pence(p) for p in apportion_pence(to_pence(amount), basis_points))))
