"""The models and the migrations agree: a model change without its migration would leave the database without
the constraint or column the code relies on (it happened once with reworded range constraints)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"Model changes without a migration (makemigrations exited {exit_.code}):\n{out.getvalue()}")
