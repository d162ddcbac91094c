import pytest
from tests.e2e.journeys import sign_in_to_admin
from tests.e2e.setup import staff
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

def test_probe(page, two_factor):
    c = staff("commissioner", "Chris", "Commissioner")
    sign_in_to_admin(page, c)
    page.goto("/admin/calls/new/")
    print(page.evaluate("""() => Array.from(document.querySelectorAll('main input, main select, main textarea')).map(e => `${e.tagName} ${e.type} ${e.name} ${e.id} hidden=${e.offsetParent===null}`).join('\\n')"""))
    print(page.evaluate("""() => Array.from(document.querySelectorAll('main button')).map(e => e.textContent.trim()).join(' | ')"""))
    page.goto("/admin/pages/")
    print(page.url)
