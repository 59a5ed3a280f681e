//! Server functions of the standings: leaderboards, a picture's page, sharing, search, the
//! member's own pictures, and the numbers behind the scores.

use crate::{
    error::AppError,
    standings::{
        boards::{Board, BoardPage},
        pictures::{MyPicture, PicturePage, SearchResults, ShareTeaser, SiteNumbers},
    },
};
use leptos::prelude::*;

/// One page of a leaderboard; `after` is the cursor of the page before (none for the first).
#[server(endpoint = "board")]
pub async fn load_board(board: Board, after: Option<String>) -> Result<BoardPage, AppError> {
    use crate::{
        server::{outcome::loaded, request_context, standings::boards},
        standings::boards::BoardCursor,
    };
    let result = async {
        let (state, viewer) = request_context()?;
        // A cursor that is not one starts from the top, as a hand-edited link would expect.
        let cursor = after.as_deref().and_then(BoardCursor::parse);
        boards::load_board(&state.pool, viewer.id, board, cursor)
            .await
            .map_err(|error| crate::server::standings::StandingsError::from(error).into())
    };
    loaded(result.await)
}

/// A picture's page: everything about it for its owner and voters, a locked tile for others.
#[server(endpoint = "picture")]
pub async fn load_picture(id: i64) -> Result<PicturePage, AppError> {
    use crate::{
        server::{outcome::loaded, request_context, standings::picture},
        votes::SubmissionId,
    };
    let result = async {
        let (state, viewer) = request_context()?;
        let page = picture::load_picture(&state.pool, viewer.id, SubmissionId(id)).await?;
        Ok(PicturePage { site_url: state.accounts.public_url.clone(), ..page })
    };
    loaded(result.await)
}

/// The viewer's share link to a picture they may see; the browser goes back to the picture's
/// page, which shows the link to copy.
#[server(endpoint = "share")]
pub async fn share_picture(id: i64) -> Result<String, AppError> {
    use crate::{
        server::{
            outcome::{OnSuccess, form_outcome},
            request_context,
            standings::shares,
        },
        votes::SubmissionId,
    };
    let result = async {
        let (state, voter) = request_context()?;
        Ok(shares::share(&state.pool, voter.id, SubmissionId(id)).await?)
    };
    let page = format!("/p/{id}");
    match result.await {
        Ok(code) => {
            let shown = format!("{page}?link={code}#share");
            form_outcome(Ok(code), OnSuccess::GoTo(&shown), &page)
        }
        Err(error) => form_outcome(Err(error), OnSuccess::StayOnForm, &page),
    }
}

/// Follows a share link. A browser that sends the voter cookie has the picture put in front of
/// it and goes to the vote page. One that does not is sent once more with `checked` set, to
/// see whether it keeps the cookie it was just given; if it still sends none (a link preview's
/// crawler, or cookies refused), it gets the teaser page, and no share is counted.
#[server(endpoint = "share/open")]
pub async fn open_share(code: String, checked: bool) -> Result<ShareTeaser, AppError> {
    use crate::server::{outcome::loaded, request_context, standings::shares};
    let result = async {
        let (state, visitor) = request_context()?;
        let site_url = state.accounts.public_url.clone();
        if visitor.cookie_was_sent {
            // Back from the cookie check: a visitor who has seen nothing yet.
            let teaser = shares::follow(&state.pool, visitor.id, &code, checked).await?;
            leptos_axum::redirect("/");
            return Ok(ShareTeaser { site_url, ..teaser });
        }
        let teaser = ShareTeaser { site_url, ..shares::teaser(&state.pool, &code).await? };
        if !checked {
            leptos_axum::redirect(&format!("/s/{}?checked=1", teaser.code));
        }
        Ok(teaser)
    };
    loaded(result.await)
}

/// Page `page` of the search results for `q`.
#[server(endpoint = "search")]
pub async fn search(q: String, page: Option<u32>) -> Result<SearchResults, AppError> {
    use crate::server::{outcome::loaded, request_context, standings::search};
    let result = async {
        let (state, viewer) = request_context()?;
        search::search(&state.pool, viewer.id, &q, page.unwrap_or(1))
            .await
            .map_err(|error| crate::server::standings::StandingsError::from(error).into())
    };
    loaded(result.await)
}

/// The signed-in member's pictures in the order named by `sort` (see `MySort`).
#[server(endpoint = "my-pictures")]
pub async fn load_my_pictures(sort: String) -> Result<Vec<MyPicture>, AppError> {
    use crate::{
        server::{accounts::AccountError, outcome::loaded, signed_in_user, standings::mine, state},
        standings::pictures::MySort,
    };
    let result = async {
        let state = state()?;
        let user = signed_in_user().ok_or(AccountError::SignInRequired)?;
        mine::my_pictures(&state.pool, user.voter_id, MySort::from_key(&sort))
            .await
            .map_err(|error| crate::server::standings::StandingsError::from(error).into())
    };
    loaded(result.await)
}

/// What the page about the scores shows: the site's numbers and the retirement rules.
#[server(endpoint = "site-numbers")]
pub async fn load_site_numbers()
-> Result<(Option<SiteNumbers>, crate::standings::pictures::RetirementRules), AppError> {
    use crate::server::{outcome::loaded, standings, state};
    let result = async {
        let state = state()?;
        let numbers =
            standings::site_numbers(&state.pool).await.map_err(standings::StandingsError::from)?;
        Ok((numbers, state.retirement.clone()))
    };
    loaded(result.await)
}
