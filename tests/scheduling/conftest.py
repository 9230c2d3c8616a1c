"""Tests of the scheduling engine: plain pytest and Hypothesis, no Django.

Nothing here may need a database or Django settings.  The engine's own tests
run without pytest-django::

    .venv/bin/python -m pytest tests/scheduling -q -p no:django --confcutdir=tests/scheduling

(``--confcutdir`` keeps pytest from loading ``tests/conftest.py``, which
imports Django models.)  ``TIMEBOK_HYPOTHESIS_EXAMPLES=5000`` makes the
property tests search longer.
"""
