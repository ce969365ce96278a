"""What a browser session may reach: regenerated links end it, several links live side by side."""

from __future__ import annotations

from assess.services.links import regenerate
from assess.services.lookup import campaign_by_ref, team_in_campaign
from tests.survey.survey_support import Respondent, team_link_path


def test_a_regenerated_link_shuts_out_browsers_that_opened_the_old_one(demo_app, link):
    opened = Respondent(demo_app, demo_app.test_client(), link)
    assert opened.open().status_code == 302
    started = Respondent(demo_app, demo_app.test_client(), link)
    started.open()
    started.start()
    started.answer_pages(1)
    code = started.resume_code
    with demo_app.app_context():
        campaign = campaign_by_ref("Maturity wave 2")
        regenerate(campaign, team_in_campaign(campaign, "Atlas (portfolio office)"))
    # Neither a fresh start nor the draft continues through the old link ...
    assert opened.client.get("/s/").status_code == 404
    assert opened.client.post("/s/start").status_code == 404
    assert started.client.get("/s/page/2").status_code == 404
    # ... but the draft is not lost: its resume code works through the new link.
    new_link = team_link_path(demo_app)
    assert new_link != link
    continued = Respondent(demo_app, demo_app.test_client(), new_link)
    assert continued.open().status_code == 302
    response = continued.client.post("/s/resume", data={"code": code})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/s/page/2")


def test_two_links_in_one_browser_keep_their_own_drafts(demo_app):
    atlas = team_link_path(demo_app, "Atlas (portfolio office)")
    beacon = team_link_path(demo_app, "Beacon (platform team)")
    client = demo_app.test_client()
    first = Respondent(demo_app, client, atlas)
    first.open()
    first.start()
    first.answer_pages(2)
    second = Respondent(demo_app, client, beacon)
    assert second.open().status_code == 200  # asks before leaving the draft in progress
    assert client.post(beacon + "/switch").status_code == 302
    assert second.client.get("/s/").status_code == 200  # a new welcome: no draft there yet
    second.start()
    # Back on the first link (asked again, the second draft being in progress now), the
    # browser continues its first draft where it was.
    assert client.get(atlas).status_code == 200
    assert client.post(atlas + "/switch").status_code == 302
    response = client.get("/s/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/s/page/3")


def test_context_and_draft_in_one_read_agree_with_the_separate_reads(demo_app):
    """The combined read every page save uses gives what the two separate reads give, and
    nothing for a wrong proof, another uid or a stale link hash."""
    from assess.services import survey

    path = team_link_path(demo_app)
    assert path is not None
    with demo_app.app_context():
        ctx = survey.context_for_token(path.rsplit("/", 1)[-1])
        assert ctx is not None
        new = survey.start_response(ctx, None)
        link_id, bound = ctx.link.id, ctx.link.token_hash
        both = survey.context_and_draft(link_id, bound, new.uid, new.proof)
        assert both[0] == survey.context_for_link(link_id, bound)
        assert both[1] == survey.find_response(ctx, new.uid, new.proof) is not None
        by_code = survey.context_and_draft(link_id, bound, new.uid, new.resume_code)
        assert by_code[1] == both[1]
        for uid, proof in [(new.uid, "wrong"), (new.uid, ""), ("", new.proof),
                           ("0" * 32, new.proof)]:
            ctx_only = survey.context_and_draft(link_id, bound, uid, proof)
            assert ctx_only[0] == both[0], (uid, proof)
            assert ctx_only[1] is None, (uid, proof)
        assert survey.context_and_draft(link_id, "stale", new.uid, new.proof) == (None, None)
