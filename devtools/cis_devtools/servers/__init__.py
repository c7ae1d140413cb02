"""Real servers the tests start as subprocesses from Debian packages (Redis, nginx), on 127.0.0.1."""
