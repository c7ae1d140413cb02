"""Debian-packaged servers the tests run for real (Redis), each on 127.0.0.1 in its own temp dir."""
