# Haven's Russian formats: one way to write a date and a time on every page
# (haven.core.formatting): 04.12.2026 23:17, whichever format name a template asks for.
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
MONTH_DAY_FORMAT = "d.m"
YEAR_MONTH_FORMAT = "m.Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
# The audit log's times, to the second: 28.09.2023 23:20:51.
DATETIME_SECONDS_FORMAT = "d.m.Y H:i:s"
