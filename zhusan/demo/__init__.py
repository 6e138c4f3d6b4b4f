"""The synthetic demo dataset (``zhusan demo``).

Every person, name, address and laboratory reference in it is invented; only
the aggregate figures per operation follow public reporting (see
``plan.OPERATIONS``). ``operations.py`` writes the operations, movements
and manifests that carry them.
"""
