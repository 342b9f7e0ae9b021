"""The e2e ``launch`` fixture (each service as its own process), shared with tests/e2e/test_services.py."""

from tests.e2e.test_services import launch

__all__ = ["launch"]
