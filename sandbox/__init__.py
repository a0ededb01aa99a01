"""A local Telegram Bot API emulator for tests, demos and benchmarks; see sandbox/README.md."""
