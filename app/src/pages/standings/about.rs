//! `/about/scores`: how the numbers are worked out, in words a visitor understands, with the
//! site's current numbers and the retirement rules in force.

use crate::{
    api::load_site_numbers,
    standings::{CAUTION_Z, HOT_TENFOLD_SECS, MIN_VOTES_FOR_SPREAD, VoteWeights},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// What a counted vote weighs, as the last ranking run weighed it.
fn weights_in_words(weights: VoteWeights) -> String {
    match weights {
        VoteWeights::Equal => {
            "Every vote that counts weighs the same: new voters and old hands alike.".to_owned()
        }
        VoteWeights::ByHistory { full_after } => format!(
            "Votes from new voters count for less in the fair score, the cautious score, Hot and the ranks \
             (not in the plain average): until you have cast {full_after} votes, each of yours counts as \
             your number of votes ÷ {full_after} of a vote, so your first counts 1/{full_after}. \
             Once you have cast {full_after}, all of them, the early ones too, count in full. \
             A crowd of one-vote visitors moves a picture 1/{full_after} as much as as many regular voters would."
        ),
    }
}

#[component]
pub fn AboutScoresPage() -> impl IntoView {
    let numbers = Resource::new(|| (), |()| load_site_numbers());
    let tenfold_hours = HOT_TENFOLD_SECS / 3600.0;
    view! {
        <Title text="How scores work"/>
        <article class="prose">
            <h1>"How scores work"</h1>
            <p>"Every picture is rated from 1 (meh) to 10 (peak derp). From those votes we work out a few numbers. They are recomputed every minute."</p>
            <h2>"Average"</h2>
            <p>"The plain average of the votes. With only a few votes it says little: one vote of 10 is not a better picture than a hundred 9s."</p>
            <h2>"Fair score"</h2>
            <p>"The Top leaderboard ranks pictures by their fair score: the average, pulled towards the average of the whole site by a number of imaginary votes. A picture with few votes sits close to the site's average; the more real votes it gets, the closer its fair score comes to its own average. In symbols: fair score = (v × R + m × C) ÷ (v + m), where v is its number of votes, R its average, C the site's average and m the number of imaginary votes, about the number of votes a typical picture has."</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match numbers.await {
                        Ok((Some(site), _)) => view! {
                            <p class="callout">{format!(
                                "Right now C is {:.2} and m is {:.0}, from {} votes on {} pictures (as of {}).",
                                site.site_mean, site.prior_votes, site.votes, site.pictures, site.computed_at
                            )}</p>
                        }.into_any(),
                        _ => view! { <p class="callout">"The site's numbers appear after the first ranking."</p> }.into_any(),
                    }
                })}
            </Transition>
            <h2>"Rank"</h2>
            <p>"“#3 of 120” means two pictures have a better fair score. Pictures with the same fair score share a rank. The percentile says the same as a share: 98 means the picture is at least as good as 98 % of pictures."</p>
            <h2>"Cautious score"</h2>
            <p>{format!(
                "The score a picture has at least, with 95 % confidence, given how its votes are spread (z = {CAUTION_Z}). \
                 Many votes that agree give a cautious score close to the average; a few scattered votes give a low one. \
                 It is how we judge which pictures retire, so that no picture is judged on a few unlucky votes."
            )}</p>
            <h2>"Hot, New and Divisive"</h2>
            <p>{format!(
                "Hot favours well-rated pictures that arrived recently: a picture's points are how far its votes are above the middle (5.5), \
                 and a picture {tenfold_hours:.1} hours newer needs ten times fewer points to stand level. \
                 New lists the newest first. Divisive lists pictures whose ratings are most spread out (from {MIN_VOTES_FOR_SPREAD} votes on)."
            )}</p>
            <h2>"Views, shares and virality"</h2>
            <p>"A view is a picture being put in front of a voter. A share is a visit through someone's share link, counted once per visitor. Virality is (shares + 1) ÷ (views + 20): smoothed, so that one share of a picture seen twice does not top the chart. Votes per view says how often seeing it ends in a vote."</p>
            <h2>"Retirement"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match numbers.await {
                        Ok((_, rules)) if rules.every_days > 0 => view! {
                            <p>{format!(
                                "Every {} days, pictures whose cautious score is in the bottom {} % retire: they leave the rotation and the leaderboards. \
                                 Only pictures at least {} days old and seen at least {} times can retire. \
                                 Their owner still sees them, with the reason, for {} days; then they are deleted.",
                                rules.every_days, rules.bottom_percent, rules.min_age_days, rules.min_views, rules.grace_days
                            )}</p>
                        }.into_any(),
                        _ => view! { <p>"Retirement is switched off on this site: every picture stays in play."</p> }.into_any(),
                    }
                })}
            </Transition>
            <h2>"Which votes count"</h2>
            <p>"Every vote is kept, but the numbers above count only the votes a person cast. A vote is taken once the picture has been in front of you for a moment, and at a human pace. Every few minutes the site looks at the latest votes: a voter who gives every picture the same rating, or whose votes come faster than anyone can look, and a crowd of brand-new voters from one network all rating one picture, stop counting at once. An admin then looks at each case: the votes stay out, or count again."</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let weights = numbers.await.ok().and_then(|(site, _)| site).map(|site| site.weights);
                    view! { <p class="vote-weights">{weights_in_words(weights.unwrap_or_default())}</p> }
                })}
            </Transition>
            <h2>"What you see"</h2>
            <p>"A picture and its scores are shown to its owner and to the voters who rated it. Everywhere else it is a locked tile: rate it to see it."</p>
        </article>
    }
}
