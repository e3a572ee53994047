# Haven's additions to Django's Russian formats (the rest come from Django).
# The audit log's times, to the second: 28.09.2023 23:20:51.
DATETIME_SECONDS_FORMAT = "d.m.Y H:i:s"
