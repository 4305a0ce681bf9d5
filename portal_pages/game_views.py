"""The portal's games: the list, one game's page (a wheel or a scratch card) and the
play. The server draws and records the outcome (``loyalty.games.services.game_play``);
the page's script only animates the answer. Without the script the form still works:
the play redirects back to the page, which shows the recorded result.

The ``games`` toggle off, or a game that is disabled, out of its dates or another
clinic's: 404.
"""

import math

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from branding.errors import DomainError
from loyalty.games.selectors import games_for_client, open_game, plays_for_client
from loyalty.games.services import game_play
from loyalty.models import GameKind
from people.services import client_account_ensure
from portal_pages.access import feature_required, rate_limited, signed_in

WHEEL_RADIUS = 100


def wheel_segments(prizes):
    """SVG geometry of a wheel of ``prizes``, clockwise from the top: each segment's
    path, the angle of its middle (the script turns the wheel to bring it to the
    pointer) and where its label sits."""
    count = len(prizes)
    if not count:
        return []
    step = 360 / count
    r = WHEEL_RADIUS
    segments = []
    for index, prize in enumerate(prizes):
        start, end = index * step, (index + 1) * step
        x1, y1 = _point(r, start)
        x2, y2 = _point(r, end)
        large = 1 if step > 180 else 0
        path = (
            f"M0,0 L{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} Z"
            if count > 1
            else f"M0,-{r} A{r},{r} 0 1 1 -0.01,-{r} Z"
        )
        middle = start + step / 2
        tx, ty = _point(r * 0.62, middle)
        segments.append(
            {
                "prize": prize,
                "index": index,
                "path": path,
                "middle": round(middle, 3),
                "text_x": round(tx, 2),
                "text_y": round(ty, 2),
                "text_rotate": round(middle - 90, 2),
            }
        )
    return segments


def _point(radius, degrees):
    """A point on a circle, degrees clockwise from 12 o'clock (SVG's y points down)."""
    radians = math.radians(degrees)
    return radius * math.sin(radians), -radius * math.cos(radians)


def _client(request):
    return client_account_ensure(clinic=request.clinic, user=request.user)


def _game_with_allowance(request, client, game_id):
    for game in games_for_client(request.clinic, client):
        if game.pk == game_id:
            return game
    raise Http404("No such game.")


@feature_required("games")
@signed_in
def game_list(request):
    games = games_for_client(request.clinic, _client(request))
    return render(request, "loyalty/games/list.html", {"games": games})


@feature_required("games")
@signed_in
def game_detail(request, game_id):
    client = _client(request)
    game = _game_with_allowance(request, client, game_id)
    prizes = list(game.prizes.all())
    shown = None
    if request.GET.get("play", "").isdigit():
        # Only one's own play of this game: another id is simply not shown.
        shown = (
            plays_for_client(request.clinic, client)
            .filter(game=game, pk=int(request.GET["play"]))
            .first()
        )
    return render(
        request,
        "loyalty/games/detail.html",
        {
            "game": game,
            "prizes": prizes,
            "segments": wheel_segments(prizes) if game.kind == GameKind.WHEEL else [],
            "shown_play": shown,
            "recent_plays": list(plays_for_client(request.clinic, client).filter(game=game)[:5]),
        },
    )


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@feature_required("games")
@signed_in
@require_POST
@rate_limited("game_play")
def game_play_view(request, game_id):
    client = _client(request)
    game = open_game(request.clinic, game_id)
    try:
        play = game_play(game=game, client=client)
    except DomainError as error:
        if _wants_json(request):
            return JsonResponse(error.as_dict(), status=error.status)
        messages.error(request, error.message)
        return redirect("portal:game", game_id=game.pk)
    if not _wants_json(request):
        return redirect(f"{reverse('portal:game', args=[game.pk])}?play={play.pk}")
    left = _game_with_allowance(request, client, game.pk).allowance.left
    return JsonResponse(
        {
            "id": play.pk,
            "prize": play.prize_id,
            "label": play.prize_label,
            "kind": play.prize_kind,
            "points": play.points,
            "voucher_code": play.voucher.code if play.voucher_id else None,
            "won": play.won,
            "plays_left": left,
        },
        status=201,
    )
