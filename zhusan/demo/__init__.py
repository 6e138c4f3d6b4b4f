"""The synthetic demo dataset (``zhusan demo``).

Every person, name, address and laboratory reference in it is invented; only
the aggregate figures per operation follow public reporting (see
docs and ``builder.PUBLIC_FIGURES``).
"""
