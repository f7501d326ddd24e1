"""Benchmarks, run by ``make bench`` (never by ``make test``).

* ``bench/redaction.py``  our redaction engine against stock Presidio and the spaCy floor;
* ``bench/e2e.py``        the REST round trip with redaction on and off, at concurrency 1, 8 and 32;
* ``bench/load.py``       hundreds of simulated users in multi-turn conversations, then a completeness check
                          of the tracker store;
* ``bench/report.py``     ``docs/benchmarks.md`` and its latency plot, from ``bench/results/*.json``;
* ``bench/where.py``      a diagnostic, not in ``make bench``: detection calls and time per message, by the
                          place in the servers that asked for them.

Each benchmark prints its figures and a baseline measured in the same run, and
writes them as JSON to ``bench/results/``.
"""
