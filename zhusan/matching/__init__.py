"""The matching app: duplicate review with merge and undo, family tracing,
linkage jobs and ``zhusan link``, built on the Django-free engine in
:mod:`zhusan.engine`."""
