import factory

from loyalty.models import Reward, RewardKind, Tier


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    name = factory.Sequence(lambda n: f"£5 off #{n}")
    cost = 100
    kind = RewardKind.AMOUNT_OFF
    amount_off = 500


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    name = factory.Sequence(lambda n: f"Tier {n}")
    threshold = 0
