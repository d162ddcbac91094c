"""Journey: an executive opens the reporting dashboard, sees committed spend by theme matching the award's
theme allocation, drills down to the theme and the project, and downloads the board pack."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from commissioning.fiscal import current_financial_year
from outcomes.models import ALLOCATION_FIELDS
from outcomes.services.awards import accept_award, create_award
from tests.e2e.journeys import sign_in_to_admin
from tests.e2e.setup import approved_application, staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def active_award():
    """A £15,000 award for this financial year, 60% support and 40% trust, accepted by the provider."""
    application, provider = approved_application(amount="15000.00")
    year = current_financial_year()
    allocation = dict.fromkeys(ALLOCATION_FIELDS, 0) | {"support": 6000, "trust": 4000}
    award = create_award(
        application=application,
        actor=staff("commissioner", "Chris", "Commissioner"),
        amount=Decimal("15000.00"),
        start_date=dt.date(year, 4, 1),
        end_date=dt.date(year + 1, 3, 31),
        allocation=allocation,
        conditions="Attend the quarterly review meetings.",
    )
    return accept_award(award=award, actor=provider, typed_name="Amina Okafor")


def test_executive_sees_spend_by_theme_drills_down_and_downloads_the_board_pack(page, two_factor):
    award = active_award()
    executive = staff("executive", "Eve", "Executive")

    sign_in_to_admin(page, executive)
    page.goto("/admin/reporting/")
    expect(page.locator("[data-theme-committed=support]")).to_have_text("£9,000.00")
    expect(page.locator("[data-theme-committed=trust]")).to_have_text("£6,000.00")
    expect(page.locator("[data-theme-committed=prevention]")).to_have_text("£0.00")
    expect(page.locator("[data-total-committed]")).to_have_text("£15,000.00")

    # Drill down: the theme, then the project
    page.locator("#spend ~ div table").get_by_role("link", name="Supporting all victims and survivors").click()
    page.wait_for_url("**/admin/reporting/theme/support/**")
    main = page.locator("main")
    expect(main).to_contain_text(award.reference)
    expect(main).to_contain_text("£9,000.00")
    page.get_by_role("link", name=award.reference).click()
    page.wait_for_url(f"**/admin/reporting/project/{award.pk}/**")
    expect(page.locator("main")).to_contain_text(award.title)

    # The board pack, as the browser downloads it
    page.goto("/admin/reporting/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board pack (XLSX)").click()
    assert download.value.suggested_filename.startswith("bcsp-board-pack-")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(summary["Committed (awarded)"])) == Decimal("15000")
    spend = {row[0]: row[1] for row in workbook["Spend by theme"].iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(spend["Supporting all victims and survivors"])) == Decimal("9000")
    assert Decimal(str(spend["Building trust and confidence"])) == Decimal("6000")
