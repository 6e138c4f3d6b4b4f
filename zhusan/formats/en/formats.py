"""English: Django's dates; every time with its time zone."""

TIME_FORMAT = "P T"
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%d %B %Y"]
