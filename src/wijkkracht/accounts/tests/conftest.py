from collections.abc import Iterator

import pytest

from wijkkracht.accounts.testing import empty_staff_audit_log


@pytest.fixture
def transactional_db(transactional_db: None) -> Iterator[None]:
    """The root `transactional_db`, with the append-only staff-audit log emptied before the flush."""
    yield
    empty_staff_audit_log()
