"""Device tokens in ODK URLs never reach a log."""

import logging

from haven.core.redaction import RedactTokens, redact


def test_a_token_in_an_openrosa_path_is_replaced():
    line = 'GET /openrosa/key/hvn_s3cr3t-Token_x/goris/formList HTTP/1.1'
    assert redact(line) == "GET /openrosa/key/***/goris/formList HTTP/1.1"
    assert redact("/openrosa/key/hvn_abc?x=1") == "/openrosa/key/***?x=1"


def test_other_paths_are_left_alone():
    assert redact("/api/v1/persons/HVN-7K4Q-MX2P-RT3C") == "/api/v1/persons/HVN-7K4Q-MX2P-RT3C"


def test_the_logging_filter_redacts_message_arguments():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s",
                               ("/openrosa/key/hvn_s3cr3t/goris/submission",), None)
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == "Forbidden: /openrosa/key/***/goris/submission"
    assert "s3cr3t" not in record.getMessage()
