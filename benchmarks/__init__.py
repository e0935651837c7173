"""Benchmarks of dangbo at national scale, each figure next to a baseline (``./scripts/bench``).

Not part of the test suite: ``benchmarks.run`` drives one subprocess per measured phase so
that each phase's peak memory can be read on its own. See ``benchmarks/README.md``.
"""
