//! A picture's page, `/p/{id}`: for its owner and its voters, the picture with every number
//! about it, its charts and a share link; for anybody else, the locked tile and the way to see
//! it — rate it.

use super::{
    PreviewTags,
    charts::{HistogramChart, RankChart},
    load_failed,
};
use crate::{
    api::{RatePicture, SharePicture, load_picture},
    error::{AppError, ErrorCode},
    pages::{
        forms::FormProblem,
        moderation::{OwnerControls, ReportForm},
        tiles::LOCK_SVG,
    },
    standings::{
        VoteWeights,
        pictures::{PicturePage, PictureStats, is_share_code},
    },
    tiles::PictureTile,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PictureRoute() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) if id > 0 => load_picture(id).await,
            _ => Err(AppError::new(ErrorCode::NotFound)),
        }
    });
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <PictureView page/> }.into_any(),
                    Err(error) => load_failed(error),
                }
            })}
        </Transition>
    }
}

fn number(value: f64) -> String {
    format!("{value:.2}")
}

#[component]
fn PictureView(page: PicturePage) -> impl IntoView {
    let PicturePage { tile, owner, uploaded_on, stats, is_owner, retirement, site_url } = page;
    let id = tile.id().0;
    let title = tile.title().to_owned();
    let placeholder = tile.placeholder_css();
    let byline = match owner {
        Some(owner) => view! {
            <p class="byline">
                "By " <a href=format!("/u/{}", owner.username)>{owner.display_name}</a>
                {format!(" · uploaded {uploaded_on}")}
            </p>
        }
        .into_any(),
        None => view! { <p class="byline">"A demo derp, drawn by the server"</p> }.into_any(),
    };
    let art = match tile {
        PictureTile::Revealed { picture, .. } => view! {
            <img class="picture-full" src=picture.src(640) srcset=picture.srcset()
                sizes="(max-width: 720px) 94vw, 480px" width="640" height="640"
                alt=title.clone() style=placeholder.clone()/>
        }
        .into_any(),
        PictureTile::Locked { .. } => view! {
            <div class="picture-full tile-art" style=placeholder.clone()>
                <span class="lock" aria-hidden="true" inner_html=LOCK_SVG></span>
            </div>
        }
        .into_any(),
    };
    view! {
        <Title text=title.clone()/>
        <PreviewTags
            title=title.clone()
            url=format!("{site_url}/p/{id}")
            teaser=format!("{site_url}/teasers/{id}.jpg")
        />
        <article class="picture-page">
            {art}
            <div class="picture-facts">
                <h1>{title.clone()}</h1>
                {byline}
                {retirement.map(|notice| view! {
                    <p class="notice" role="status">{notice.explanation()}</p>
                })}
                {match stats {
                    Some(stats) => view! {
                        <Standing stats is_owner/>
                        <ShareBox id site_url/>
                        {if is_owner {
                            view! { <OwnerControls id title=title.clone()/> }.into_any()
                        } else {
                            view! { <ReportForm id from="picture"/> }.into_any()
                        }}
                    }.into_any(),
                    None => view! { <LockedInvitation id title/> }.into_any(),
                }}
            </div>
        </article>
    }
}

#[component]
fn LockedInvitation(id: i64, title: String) -> impl IntoView {
    let rate = ServerAction::<RatePicture>::new();
    view! {
        <p>"Its picture and its scores are shown to the voters who rated it. How derpy is it? Rate it to see it."</p>
        <ActionForm action=rate>
            <input type="hidden" name="id" value=id/>
            <button type="submit" class="button rate-to-see" aria-label=format!("Rate it to see it: {title}")>
                "Rate it to see it"
            </button>
        </ActionForm>
    }
}

#[component]
fn Standing(stats: PictureStats, is_owner: bool) -> impl IntoView {
    let PictureStats {
        histogram,
        mean,
        score,
        lower_bound,
        site,
        rank,
        percentile,
        views,
        shares,
        virality,
        votes_per_view,
        history,
        your_rating,
    } = stats;
    let whose = match (is_owner, your_rating) {
        (true, _) => "It's yours: you see how it stands.".to_owned(),
        (false, Some(rating)) => format!("You rated it {rating}."),
        (false, None) => String::new(),
    };
    let votes = histogram.votes();
    let ranked = rank.map_or_else(
        || "not ranked yet (ranks are worked out every minute)".to_owned(),
        |rank| match rank.trend_text() {
            Some(trend) => format!("{} · {trend}", rank.summary()),
            None => rank.summary(),
        },
    );
    let prior = site.map(|site| {
        let weighted = match site.weights {
            VoteWeights::Equal => String::new(),
            VoteWeights::ByHistory { full_after } => format!(
                " Votes from voters with fewer than {full_after} votes count for less in the scores and the rank."
            ),
        };
        format!(
            "Fair scores use the site's average rating, {:.2}, weighing as much as {:.0} vote{} (as of {}).{weighted}",
            site.site_mean,
            site.prior_votes,
            if site.prior_votes.round() == 1.0 { "" } else { "s" },
            site.computed_at
        )
    });
    view! {
        <p class="your-rating">{whose}</p>
        <dl class="picture-stats">
            <div><dt>"Rank"</dt><dd>{ranked}</dd></div>
            <div><dt>"Fair score"</dt><dd>{number(score)}</dd></div>
            <div><dt>"Average"</dt><dd>{mean.map_or_else(|| "no votes yet".to_owned(), number)}</dd></div>
            <div><dt>"Votes"</dt><dd>{votes}</dd></div>
            <div><dt>"Cautious score"</dt><dd>{number(lower_bound)}</dd></div>
            {percentile.map(|p| view! { <div><dt>"Percentile"</dt><dd>{format!("{p:.1}")}</dd></div> })}
            <div><dt>"Views"</dt><dd>{views}</dd></div>
            <div><dt>"Shares"</dt><dd>{shares}</dd></div>
            <div><dt>"Votes per view"</dt><dd>{votes_per_view.map_or_else(|| "–".to_owned(), number)}</dd></div>
            <div><dt>"Virality"</dt><dd>{format!("{virality:.3}")}</dd></div>
        </dl>
        {prior.map(|prior| view! { <p class="fine-print">{prior} " " <a href="/about/scores">"How scores work"</a></p> })}
        <h2>"Ratings"</h2>
        <HistogramChart histogram/>
        <h2>"Rank over time"</h2>
        <RankChart history/>
    }
}

/// "Share": gets the viewer's link (the same one every time) and shows it to copy. Without
/// JavaScript the form reloads the page with the link in its address (`?link=`).
#[component]
fn ShareBox(id: i64, site_url: String) -> impl IntoView {
    let share = ServerAction::<SharePicture>::new();
    let query = use_query_map();
    let code = move || {
        share
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| query.with(|q| q.get("link")))
            .filter(|code| is_share_code(code))
    };
    let problem = move || share.value().get().and_then(Result::err).map(|error| error.message);
    view! {
        <section id="share" class="share-box" aria-labelledby="share-heading">
            <h2 id="share-heading">"Share it"</h2>
            <p>"Friends who follow your link rate it first, then see it."</p>
            <FormProblem problem/>
            <ActionForm action=share>
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="button">"Get a share link"</button>
            </ActionForm>
            {move || code().map(|code| {
                let url = format!("{site_url}/s/{code}");
                view! { <ShareLinkField url/> }
            })}
        </section>
    }
}

#[component]
fn ShareLinkField(url: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = url.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            // The promise is left to settle: the field stays selectable either way.
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <div class="share-link">
            <label for="share-link">"Share link"</label>
            <input id="share-link" type="url" readonly value=url/>
            <button type="button" class="button secondary" on:click=copy>"Copy link"</button>
            <span role="status">{move || copied.get().then_some("Copied to the clipboard.")}</span>
        </div>
    }
}
