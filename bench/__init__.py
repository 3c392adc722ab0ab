"""Benchmarks: speed, memory and scale of the real code paths, against targets and alternatives.

``python -m bench [all|corpus|import|search|reports|app] [--quick] [--sizes 1000,10000] [--out DIR]``
writes ``RESULTS.md`` and ``results.json`` (see bench/README in RESULTS.md's header and
/work/shared/PERFORMANCE.md for the targets). Benchmarks record numbers; nothing here asserts times.
"""
