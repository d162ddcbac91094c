import datetime as dt

import pytest

# The reporting tests are written against a fixed "today" in Q3 2026/27, so Q1 and Q2 have ended.
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def today():
    return TODAY
