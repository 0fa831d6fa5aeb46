"""Score reports by ward and topic, and item analysis (DESIGN §2 "Reports").

Modules: ``filters`` (query-string filters), ``queries`` and ``item_queries`` (SQL aggregates),
``item_analysis`` (pure statistics), ``present`` and ``tables`` (labels, sorting, export tables),
``access`` (who sees what) and ``views`` (the blueprint). ``summary`` keeps the summary tables
the pages read (``sources`` chooses them or the raw attempts) and ``commands`` holds
`flask reports rebuild`.
"""
