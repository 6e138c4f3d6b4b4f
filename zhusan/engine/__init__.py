"""The matching engine, without Django: transliteration (one table per
script), name parsing and name families, partial birth dates and their
comparison levels, a Fellegi–Sunter model estimated without labels, blocking,
the registry index, batch linkage and the linkage engines behind one call,
and the one CSV/XLSX reader (:mod:`.tabular`) with the value normalisers that
imports and linkage share.

Nothing here imports Django or another ``zhusan`` package
(``tests/engine/test_layering.py`` keeps it so): the benchmarks and Spark
workers run it as plain Python, and every app may use it.
"""
