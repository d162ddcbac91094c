# The awards fixtures (an approved application, an offered and an accepted award) come from the outcomes tests.
from tests.outcomes.conftest import active_award, application, award, call  # noqa: F401
