"""The field forms Haven serves to ODK Collect, as XLSForms built by `build_xlsform`."""
