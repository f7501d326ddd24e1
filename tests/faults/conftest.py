"""One real ``finbot run`` shared by the fault tests (each test uses its own conversation ids).

Action calls time out after 3 s here (10 s by default); the vault lives at a
``FINBOT_VAULT_URL`` of its own, which also holds the placeholder numbering.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.faults.support import ACTION_TIMEOUT_SECONDS
from tests.support.servers import RunningAssistant, run_assistant


@pytest.fixture(scope="session")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    tmp = tmp_path_factory.mktemp("faults")
    env = {"FINBOT_ACTION_TIMEOUT": str(ACTION_TIMEOUT_SECONDS), "FINBOT_VAULT_URL": f"sqlite:///{tmp / 'vault.db'}"}
    with run_assistant(tmp, env) as running:
        # Warm: the first message loads the engine and models, which would count against the time bounds
        # of whichever test comes first (a fault test run on its own failed them).
        running.say("warm-up", "hi, my card is 4111 1111 1111 1111")
        yield running
