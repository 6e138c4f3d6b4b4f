"""Date and time formats, one per language (settings.FORMAT_MODULE_PATH).

Django's own formats show Kazakh in the American form (it has none for
Kazakh) and Arabic with direction marks; Zhusan writes each language one way:
``DD.MM.YYYY`` in Russian and Kazakh, ISO ``YYYY-MM-DD`` in Arabic (digits in
one unambiguous order whatever the direction), Django's in English. A time is
always followed by its time zone (``T``: ``+05`` in Almaty), so a time read in
Erbil and in Aktau is not taken for the same.

Every language parses ISO dates first: ``<input type="date">`` sends and
shows them, and the widget writes its value in the first input format.
A name not set here falls back to Django's format for the language.
"""
