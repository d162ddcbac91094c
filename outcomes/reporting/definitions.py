"""What each money figure means, written once. The dashboard ("How these figures are worked out"), the board
pack's Notes sheet, the public pages and 360Giving read these; none of them keeps its own copy of the words."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str
    term: str
    meaning: str


DEFINITIONS = (
    Definition(
        "budget",
        "Budget for a year",
        "The total of the funds' budgets for that financial year (April to March).",
    ),
    Definition(
        "committed",
        "Committed against a year",
        "That year's part of the payment profiles of accepted awards, less anything de-committed. An award that "
        "runs over two years charges each year with its own part.",
    ),
    Definition(
        "uncommitted",
        "Uncommitted",
        "The budget for the year less what is committed against it. A year that is over-committed (only an "
        "import or a variation can do that) is shown in red with the awards that caused it, never as a bare "
        "negative figure.",
    ),
    Definition(
        "new_awards",
        "New awards in a year",
        "Awards accepted in that year: how many, and their total.",
    ),
    Definition(
        "paid",
        "Paid in a year",
        "Payments made in that year, whatever the dates of the award they belong to.",
    ),
    Definition(
        "outstanding",
        "Outstanding",
        "For awards live in the year: committed to date, less paid to date, less de-committed.",
    ),
    Definition(
        "active",
        "Active in a year",
        "Awards whose grant period overlaps the year, whenever they started or end.",
    ),
    Definition(
        "offered",
        "Offered, not yet accepted",
        "Awards offered to a provider whose grant agreement has not been accepted yet. They are shown on their "
        "own and are not counted as committed.",
    ),
)
