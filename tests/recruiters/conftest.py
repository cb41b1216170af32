import pytest

from . import builders as b


@pytest.fixture
def sent(seeker):
    """A packet sent to Alex Carter (lawyer, London): (delivery, Alex's token, Alex)."""
    b.ready_seeker(seeker)
    alex = b.recruiter(
        name="Alex Carter", agency="Harper Legal", email="alex@harper.example",
        occupations=[b.occupation("2611")], places=[b.city("London")],
    )  # fmt: skip
    delivery = b.send_to(seeker, alex)
    return delivery, b.token_for(alex), alex
