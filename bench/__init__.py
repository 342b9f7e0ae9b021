"""Benchmarks of textbus over real Kafka and the real database: ``./dev bench`` (see README).

Not tests: nothing here asserts on time, and pytest never collects it (its
testpaths is ``tests``). Each measure stands next to a baseline taken in the
same run on the same infrastructure, so a reader sees the ratio, not only a
number that depends on the machine.
"""
