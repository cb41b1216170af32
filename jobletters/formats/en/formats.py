# English pages are in British English ("7 December 2026", 07/12/2026): Django's en_GB
# formats under the plain "en" code. The code is "en", not "en-gb", because Django
# chains an empty "en" catalogue behind "en_GB" for every installed app, and each
# English string then walked that chain on every page.
from django.conf.locale.en_GB.formats import *  # noqa: F403

# "7 Dec 2026, 14:30": the 24-hour clock every page uses (en_GB's "P" says "2:30 p.m.").
DATETIME_FORMAT = "j M Y, H:i"
