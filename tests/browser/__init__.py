"""Browser tests: the portal driven in a real headless Chromium (see conftest.py)."""
