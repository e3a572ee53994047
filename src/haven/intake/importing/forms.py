"""The upload form: a file, the site, and whether to only check it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX, or a KoboToolbox or ODK Central "
                                   "export)"),
                           widget=forms.ClearableFileInput(
                               attrs={"accept": ".csv,.xlsx,.tsv,.txt,.zip"}))
    site = forms.ChoiceField(label=_("Site"))
    dry_run = forms.BooleanField(required=False,
                                 label=_("Only check the file and report problems; store "
                                         "nothing"))

    def __init__(self, *args: Any, site_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
