"""Every form and field renders through the site's own templates (Django's form API)."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """``{{ form }}``: ``_form_fields.html``; ``{{ field.as_field_group }}``: ``_field.html``."""

    form_template_name = "_form_fields.html"
    field_template_name = "_field.html"
