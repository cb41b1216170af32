from django import template

from jobletters.lib.files import size_words

register = template.Library()

register.filter("file_size", size_words)
