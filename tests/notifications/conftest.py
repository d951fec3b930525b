"""The feature fixtures the event tests borrow, and the real SMTP / vendor servers."""
import pytest

from tests.repairs.conftest import make_equipment, make_location, make_repair  # noqa: F401  (fixtures)
from tests.suggestions.conftest import categories, default_categories, make_suggestion  # noqa: F401
from tests.tasks.conftest import assign, deadline, leader, owner, quality  # noqa: F401
from tests.visits.conftest import checklist_templates, make_visit  # noqa: F401

from .servers import start_silent, start_smtp, start_vendor

BASE_URL = "https://hub.office.test"


@pytest.fixture
def smtp(app):
    controller, inbox = start_smtp()
    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{controller.port}", MAIL_FROM="Office Hub <hub@office.test>",
                      BASE_URL=BASE_URL)
    yield inbox
    controller.stop()


@pytest.fixture
def vendor(app):
    server, state = start_vendor()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config.update(WECOM_CORP_ID="corp", WECOM_AGENT_ID="1000002", WECOM_SECRET="s3cret", WECOM_API_BASE=base,
                      DINGTALK_APP_KEY="key", DINGTALK_APP_SECRET="d-s3cret", DINGTALK_AGENT_ID="42",
                      DINGTALK_API_BASE=base, BASE_URL=BASE_URL)
    yield state  # tokens are cached per API address, and each test's server has its own port
    server.shutdown()


@pytest.fixture
def silent_mail(app):
    """E-mail switched on, pointing at a mail server that never answers; one-second timeouts."""
    listener = start_silent()
    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{listener.getsockname()[1]}", MAIL_FROM="hub@office.test",
                      BASE_URL=BASE_URL, NOTIFY_TIMEOUT_SECONDS=1)
    yield listener
    listener.close()
