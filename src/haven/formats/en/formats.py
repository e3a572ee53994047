# Haven's additions to Django's English formats (the rest come from Django).
# The audit log's times, to the second: 28 Sep 2023, 23:20:51.
DATETIME_SECONDS_FORMAT = "j M Y, H:i:s"
