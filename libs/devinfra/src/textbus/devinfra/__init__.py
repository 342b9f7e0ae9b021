"""Local infrastructure for development, CI and tests: real Kafka and FerretDB as processes."""
