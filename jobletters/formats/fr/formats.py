# French dates with French abbreviations ("7 déc. 2026", "7 juil. 2026, 14:30"): Django's
# "M" gives "Déc" and "Jui" for both June and July; "N" gives the abbreviations French uses.
from django.conf.locale.fr.formats import *  # noqa: F403

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
