"""Games for the signed-in client: list the open games, play one, list my plays.
Behind the ``games`` toggle: when it is off they answer 403 ``feature_disabled``, as
every switched-off feature does."""

import datetime

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from branding.api.throttling import with_action_limit
from loyalty.games.selectors import games_for_client, open_game, plays_for_client
from loyalty.games.services import game_play
from loyalty.models import GamePlay
from loyalty.models.games import GameKind, PrizeKind
from people.services import client_account_ensure

PERMISSIONS = [IsAuthenticated, ClinicRequired, require_feature("games")]


class PrizeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=PrizeKind.choices)
    points = serializers.IntegerField(allow_null=True)


class GameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=GameKind.choices)
    description = serializers.CharField()
    ends_at = serializers.DateTimeField(allow_null=True)
    plays_left = serializers.SerializerMethodField()
    next_plays_at = serializers.SerializerMethodField(
        help_text="When used-up plays come back (the clinic's next midnight or Monday); "
        "null for a game whose plays come with visits."
    )
    plays_come_with_visits = serializers.SerializerMethodField()
    prizes = PrizeSerializer(many=True, source="prizes.all")

    def get_plays_left(self, game) -> int:
        return game.allowance.left if game.allowance else 0

    def get_next_plays_at(self, game) -> datetime.datetime | None:
        when = game.allowance.next_period if game.allowance else None
        return serializers.DateTimeField().to_representation(when) if when else None

    def get_plays_come_with_visits(self, game) -> bool:
        return bool(game.allowance and game.allowance.per_visit)


class GamePlaySerializer(serializers.ModelSerializer):
    game = serializers.IntegerField(source="game_id")
    game_name = serializers.CharField(source="game.name")
    prize = serializers.IntegerField(source="prize_id", allow_null=True)
    won = serializers.BooleanField()
    voucher_code = serializers.CharField(source="voucher.code", default=None, allow_null=True)

    class Meta:
        model = GamePlay
        fields = [
            "id",
            "game",
            "game_name",
            "prize",
            "prize_label",
            "prize_kind",
            "points",
            "voucher_code",
            "won",
            "played_at",
        ]
        read_only_fields = fields


class PlayResultSerializer(GamePlaySerializer):
    plays_left = serializers.IntegerField()

    class Meta(GamePlaySerializer.Meta):
        fields = [*GamePlaySerializer.Meta.fields, "plays_left"]
        read_only_fields = fields


def plays_left(clinic, client, game_id) -> int:
    for game in games_for_client(clinic, client):
        if game.pk == game_id:
            return game.allowance.left
    return 0


class GameListView(APIView):
    permission_classes = PERMISSIONS
    pagination_class = ApiPagination

    @extend_schema(tags=["games"], responses=GameSerializer(many=True))
    def get(self, request):
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        games = games_for_client(request.clinic, client)
        return paginated_response(self, request, games, GameSerializer)


class GamePlayView(APIView):
    """Play: the server draws the outcome, records it and awards it; the answer is the
    recorded play, which the app then animates."""

    permission_classes = PERMISSIONS
    throttle_classes = with_action_limit()
    rate_limit_action = "game_play"

    @extend_schema(tags=["games"], request=None, responses={201: PlayResultSerializer})
    @idempotent
    def post(self, request, game_id):
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        game = open_game(request.clinic, game_id)
        play = game_play(game=game, client=client)
        play.plays_left = plays_left(request.clinic, client, game.pk)
        return Response(PlayResultSerializer(play).data, status=status.HTTP_201_CREATED)


class MyPlaysView(generics.ListAPIView):
    """The signed-in client's plays, newest first, paged."""

    serializer_class = GamePlaySerializer
    permission_classes = PERMISSIONS

    @extend_schema(tags=["games"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        client = client_account_ensure(clinic=self.request.clinic, user=self.request.user)
        return plays_for_client(self.request.clinic, client)
