# Haven's English formats: one way to write a date and a time on every page
# (haven.core.formatting): 4 Dec 2026, 23:17, whichever format name a template asks for.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
# The audit log's times, to the second: 28 Sep 2023, 23:20:51.
DATETIME_SECONDS_FORMAT = "j M Y, H:i:s"
