# English pages are in British English ("7 December 2026", 07/12/2026): Django's en_GB
# formats under the plain "en" code. The code is "en", not "en-gb", because Django
# chains an empty "en" catalogue behind "en_GB" for every installed app, and each
# English string then walked that chain on every page.
from django.conf.locale.en_GB.formats import *  # noqa: F403
