"""The WSGI entry point gunicorn loads (``wsgi:app``)."""

import gc

from quizapp import create_app

app = create_app()

# What exists now (modules, the app, SQLAlchemy's mappers, the templates' code) lives as long as the
# worker. Frozen, the garbage collector stops walking it: unfrozen, a full collection walked ~160,000
# objects for ~86 ms, once every few thousand requests, a stall for every request queued behind it
# (bench/gc_cost.py). Not a throughput gain: the collector's share of a request was under 1 % either way.
gc.freeze()
