"""Team links: unguessable, stored hashed, shown again to the coach, revocable."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from assess.extensions import db
from assess.models import TeamLink
from assess.services import links
from assess.services.lookup import campaign_by_ref, team_in_campaign

OPEN_WAVE = "Maturity wave 2"
TEAM = "Comet (customer apps)"


@pytest.fixture
def ctx(demo_app: Flask) -> Iterator[Flask]:
    with demo_app.app_context():
        yield demo_app


def _link(team: str = TEAM) -> TeamLink:
    campaign = campaign_by_ref(OPEN_WAVE)
    return next(lk for lk in campaign.team_links if lk.team.name == team)


@pytest.mark.usefixtures("ctx")
def test_tokens_are_long_random_and_url_safe() -> None:
    campaign = campaign_by_ref(OPEN_WAVE)
    tokens = [links.current_token(link) for link in campaign.team_links]
    assert all(t is not None for t in tokens)
    for token in tokens:
        assert token is not None
        assert len(token) == links.TOKEN_CHARS == 32  # 24 bytes: 192 bits
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    assert len(set(tokens)) == len(tokens)


@pytest.mark.usefixtures("ctx")
def test_the_database_never_holds_the_token() -> None:
    link = _link()
    token = links.current_token(link)
    assert token is not None
    stored = db.session.execute(select(TeamLink.token_nonce, TeamLink.token_hash)
                                .where(TeamLink.id == link.id)).one()
    assert token not in stored
    assert all(token not in (value or "") for value in stored)


@pytest.mark.usefixtures("ctx")
def test_a_token_finds_its_link_and_nothing_else_does() -> None:
    link = _link()
    token = links.current_token(link)
    assert token is not None
    assert links.find_link(token) is link
    for wrong in ("", token[:-1], token + "A", token.upper() if token.upper() != token
                  else token.lower(), "A" * 32, token[:-1] + ("A" if token[-1] != "A" else "B")):
        assert links.find_link(wrong) is None


@pytest.mark.usefixtures("ctx")
def test_regenerate_gives_a_new_token_and_kills_the_old() -> None:
    campaign = campaign_by_ref(OPEN_WAVE)
    team = team_in_campaign(campaign, TEAM)
    old = links.current_token(_link())
    new = links.regenerate(campaign, team)
    assert new != old
    assert links.current_token(_link()) == new
    assert links.find_link(new) is _link()
    assert old is not None
    assert links.find_link(old) is None


@pytest.mark.usefixtures("ctx")
def test_revoke_kills_the_link_and_the_coach_sees_no_url() -> None:
    campaign = campaign_by_ref(OPEN_WAVE)
    old = links.current_token(_link())
    links.revoke_team(campaign, team_in_campaign(campaign, TEAM))
    assert links.current_token(_link()) is None
    assert old is not None
    assert links.find_link(old) is None
    row = next(r for r in links.link_rows(campaign) if r["team"] == TEAM)
    assert row["url"] is None


def test_links_do_not_survive_a_new_secret_key(demo_app: Flask) -> None:
    with demo_app.app_context():
        old = links.current_token(_link())
    demo_app.config["SECRET_KEY"] = "a-different-secret-key-0123456789"
    with demo_app.app_context():
        assert links.current_token(_link()) is None
        assert old is not None
        # What the coach is shown ("revoked") and what the link does agree.
        assert links.find_link(old) is None
    assert demo_app.test_client().get(f"/s/{old}").status_code == 404


@pytest.mark.usefixtures("ctx")
def test_link_url_uses_the_configured_base() -> None:
    assert links.link_url("T" * 32) == "http://localhost/s/" + "T" * 32
    assert links.link_url("T" * 32, "https://assess.example.org/") == (
        "https://assess.example.org/s/" + "T" * 32)


@pytest.mark.usefixtures("ctx")
def test_participation_counts_drafts_as_started() -> None:
    campaign = campaign_by_ref(OPEN_WAVE)
    counts = {link.team.name: links.participation(campaign)[link.team_id]
              for link in campaign.team_links}
    # Teams larger than the threshold have one unfinished draft in the open demo wave.
    assert counts["Atlas (portfolio office)"] == {"started": 9, "completed": 8}
    assert counts["Fjord (design studio)"] == {"started": 3, "completed": 3}


@pytest.mark.usefixtures("ctx")
def test_link_rows_are_sorted_by_team_with_the_documented_keys() -> None:
    rows = links.link_rows(campaign_by_ref(OPEN_WAVE))
    assert [r["team"] for r in rows] == sorted(r["team"] for r in rows)
    assert all(set(r) == {"team", "url", "started", "completed"} for r in rows)


@pytest.mark.usefixtures("ctx")
def test_lookup_by_id_or_name() -> None:
    from assess.errors import NotFound

    campaign = campaign_by_ref(OPEN_WAVE)
    assert campaign_by_ref(str(campaign.id)) is campaign
    assert campaign_by_ref(f"  {OPEN_WAVE} ") is campaign
    team = team_in_campaign(campaign, TEAM)
    assert team_in_campaign(campaign, str(team.id)) is team
    with pytest.raises(NotFound, match="no campaign with id or name '999999'"):
        campaign_by_ref("999999")
    with pytest.raises(NotFound, match="has no team with id or name 'Nobody'"):
        team_in_campaign(campaign, "Nobody")


@pytest.mark.usefixtures("ctx")
def test_links_of_a_closed_campaign_are_neither_renewed_nor_revoked() -> None:
    from assess.errors import Conflict

    closed = campaign_by_ref("Maturity wave 1")
    team = team_in_campaign(closed, TEAM)
    link = next(lk for lk in closed.team_links if lk.team_id == team.id)
    before = (link.token_hash, link.token_nonce, link.revoked_at)
    for action in (links.regenerate, links.revoke_team):
        with pytest.raises(Conflict, match="closed"):
            action(closed, team)
    db.session.expire_all()
    link = db.session.get(TeamLink, link.id)
    assert link is not None
    assert (link.token_hash, link.token_nonce, link.revoked_at) == before


@pytest.mark.usefixtures("ctx")
def test_the_qr_code_is_inline_svg_without_style_with_role_and_escaped_title() -> None:
    url = links.link_url("T" * 32)
    svg = links.qr_svg(url, 'QR for <script>alert("x")</script> & co')
    assert svg.startswith('<svg role="img" ')
    assert "<?xml" not in svg
    assert "style" not in svg
    assert "<script>" not in svg
    assert "<title>QR for &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; co</title>" in svg
    assert 'class="qr"' in svg
    assert "width=" not in svg.split(">", 1)[0]  # sized by the stylesheet
    # The same URL gives the same code; another URL another.
    assert svg == links.qr_svg(url, 'QR for <script>alert("x")</script> & co')
    assert links.qr_svg(url + "A", "t") != links.qr_svg(url, "t")
