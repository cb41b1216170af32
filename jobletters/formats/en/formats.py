# English pages are in British English: Django's en_GB formats under the plain "en" code.
# The code is "en", not "en-gb", because Django chains an empty "en" catalogue behind
# "en_GB" for every installed app, and each English string then walked that chain on
# every page.
from django.conf.locale.en_GB.formats import *  # noqa: F403

# One way to write a date across the site and the admin: the site's pages write
# "7 December 2026" and "7 December 2026, 16:38"; the admin shows dates and times in
# these named formats (en_GB's own would be "7 Dec 2026, 4:38 p.m.").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
