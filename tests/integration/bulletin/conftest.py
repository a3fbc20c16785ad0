from tests.integration.backoffice.conftest import _fresh_rate_limits, smtp, smtp_server  # noqa: F401
