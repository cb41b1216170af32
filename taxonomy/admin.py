from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from .models import Occupation, OccupationTitle, Place
from .text import normalise


class AlternativeTitleFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        occupation_title = normalise(self.instance.title or "")
        seen: set[str] = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = normalise(form.cleaned_data.get("title", ""))
            if not key:
                form.add_error("title", "Type a title with at least one letter or digit.")
            elif key in seen:
                form.add_error("title", "This title is already listed (ignoring case and accents).")
            elif key == occupation_title:
                form.add_error("title", "This is the occupation's own title.")
            seen.add(key)


class AlternativeTitleInline(admin.TabularInline):
    model = OccupationTitle
    formset = AlternativeTitleFormSet
    fields = ("title", "locale")
    extra = 1


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "title_count")
    search_fields = ("code", "title", "alternative_titles__title")
    ordering = ("code",)
    fields = ("code", "title", "description")
    inlines = [AlternativeTitleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_title_count=Count("alternative_titles"))

    @admin.display(description="alternative titles", ordering="_title_count")
    def title_count(self, occupation: Occupation) -> int:
        return occupation._title_count  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "admin1", "country", "population", "geonames_id")
    list_filter = ("kind", "is_district")
    # "^normalised" is a prefix search served by the index; the term is normalised first.
    search_fields = ("^normalised", "=geonames_id")
    ordering = ("-population",)
    show_full_result_count = False
    fields = (
        "kind",
        "name",
        "country",
        "admin1",
        "population",
        "latitude",
        "longitude",
        "geonames_id",
        "is_district",
        "other_names",
    )
    readonly_fields = ("other_names",)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalise(search_term))
