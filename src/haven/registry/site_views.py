"""Pages for administrators to define sites."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import actor_from_request
from haven.core.errors import NotFound, ValidationFailed
from haven.core.web import page
from haven.registry import selectors, services
from haven.registry.vocabulary import SiteKind


class SiteForm(forms.Form):
    slug = forms.CharField(label=gettext_lazy("Short name (for URLs and the command line)"),
                           max_length=40)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SiteKind.choices)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=120)
    name_hy = forms.CharField(label=gettext_lazy("Name in Armenian"), max_length=120,
                              required=False)
    name_ru = forms.CharField(label=gettext_lazy("Name in Russian"), max_length=120,
                              required=False)
    settlement = forms.CharField(label=gettext_lazy("Settlement"), max_length=120)
    province = forms.CharField(label=gettext_lazy("Province"), max_length=120)
    province_code = forms.CharField(
        label=gettext_lazy("Province code (ISO 3166-2, e.g. AM-SU; empty: from the name)"),
        max_length=10, required=False)
    province_pcode = forms.CharField(label=gettext_lazy("Province p-code (OCHA COD)"),
                                     max_length=20, required=False)
    pcode = forms.CharField(label=gettext_lazy("Site p-code (OCHA COD)"), max_length=20,
                            required=False)
    capacity = forms.IntegerField(label=gettext_lazy("Capacity (shelters)"), required=False,
                                  min_value=0)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


@page
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    actor_from_request(request, "web").require("manage_sites")
    return render(request, "registry/site_list.html", {"sites": selectors.site_list()})


@page
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("manage_sites")
    existing = selectors.site_by_slug(slug) if slug else None
    if slug and existing is None:
        raise NotFound(_("No such site."))
    if request.method == "POST":
        form = SiteForm(request.POST)
        if form.is_valid():
            site_input = services.SiteInput(**form.cleaned_data)
            try:
                if existing is None:
                    saved = services.site_create(actor=actor, site=site_input)
                else:
                    saved = services.site_update(actor=actor, slug=existing.slug,
                                                 site=site_input)
            except ValidationFailed as exc:
                for field, problems in exc.errors.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Saved site %(name)s.") % {"name": saved.name})
                return redirect("site-list")
        status = 422
    else:
        initial = {f: getattr(existing, f) for f in SiteForm.base_fields} if existing else None
        form = SiteForm(initial=initial)
        status = 200
    return render(request, "registry/site_form.html", {"form": form, "site": existing},
                  status=status)
