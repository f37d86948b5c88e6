"""The engine's operations, one module each: how a batch is checked line by line and applied.

Each module has ``check_line`` (one new line against the batch so far and the database),
``validate`` (every line, in order: used for previews, re-checks and inside the commit's
``BEGIN IMMEDIATE``) and ``apply`` (the writes and events of a validated batch). The words and
codes of every refusal come from ``core.rules``; all SQL from ``core.queries``.
"""
