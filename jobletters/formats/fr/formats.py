# French pages write "7 décembre 2026, 16:38" like the English ones (jobletters/formats/en);
# Django's French formats give the rest. Only what differs is named here.
DATETIME_FORMAT = "j F Y, H:i"
