"""Real servers the tests start as subprocesses (Debian packages): nginx."""
