"""The taxonomy holds no personal data: it is the shared vocabulary of targets."""

from privacy.registry.declarations import exempt

from .models import Occupation, OccupationTitle, Place

_VOCABULARY = (
    "Shared vocabulary loaded from public data (ISCO-08, GeoNames); "
    "it describes jobs and places, never people."
)
exempt(Occupation, reason=_VOCABULARY)
exempt(OccupationTitle, reason=_VOCABULARY)
exempt(
    Place,
    reason=_VOCABULARY,
    reviewed=("name", "country", "latitude", "longitude"),
)
