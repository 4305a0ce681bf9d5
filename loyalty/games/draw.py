"""The weighted draw. Production draws from the operating system's cryptographic source;
tests pass a seeded ``random.Random`` to make a run repeatable."""

import random
import secrets

SYSTEM_RANDOM = secrets.SystemRandom()


def prize_draw(prizes, *, rng: random.Random | None = None):
    """One of ``prizes``, each as likely as its ``weight`` share of the total."""
    if not prizes:
        raise ValueError("Nothing to draw from.")
    rng = rng or SYSTEM_RANDOM
    return rng.choices(prizes, weights=[prize.weight for prize in prizes], k=1)[0]
