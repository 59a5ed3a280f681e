//! The picture being rated, and the crowd's verdict on the one rated before it.

use crate::votes::{Picture, Verdict};
use leptos::prelude::*;
use leptos_meta::Link;

/// How wide the picture is drawn, in the terms of `style/vote.css` (`.picture-frame`): the
/// browser picks the file from this before any CSS has arrived, so a phone fetches the width it
/// shows, not one for a desktop.
const PICTURE_SIZES: &str = "max(min(calc(100vw - 2rem), calc(100dvh - 18rem), 40rem), 16rem)";

/// The picture, as large as the viewport allows, painted with its placeholder colours until the
/// image arrives. `children` are laid over its top edge.
///
/// It is the page's largest paint, so the document's head asks for it first, ahead of the
/// client code, which the page does not need to show it.
#[component]
pub fn PictureFrame(picture: Picture, children: Children) -> impl IntoView {
    view! {
        <Link
            rel="preload"
            as_="image"
            href=picture.src(640)
            imagesrcset=picture.srcset()
            imagesizes=PICTURE_SIZES
            fetchpriority="high"
        />
        <figure class="picture-frame">
            <img
                class="picture"
                src=picture.src(640)
                srcset=picture.srcset()
                sizes=PICTURE_SIZES
                width="960"
                height="960"
                alt=picture.title.clone()
                style=picture.placeholder_css()
                fetchpriority="high"
            />
            {children()}
            <figcaption>
                <h1 class="picture-title">{picture.title}</h1>
            </figcaption>
        </figure>
    }
}

fn comparison(verdict: &Verdict) -> String {
    let difference = f64::from(verdict.your_rating.get()) - verdict.tally.average();
    if verdict.tally.vote_count <= 1 {
        "You're the first to rate it.".to_owned()
    } else if difference.abs() < 0.5 {
        "Great minds derp alike.".to_owned()
    } else if difference > 0.0 {
        format!("You found it {difference:.1} derpier than the crowd did.")
    } else {
        format!("The crowd found it {:.1} derpier than you did.", -difference)
    }
}

#[component]
pub fn VerdictCard(verdict: Verdict) -> impl IntoView {
    let aside = comparison(&verdict);
    view! {
        <section class="verdict" aria-label="Your last vote">
            <img
                class="verdict-thumb"
                src=verdict.picture.src(320)
                alt=""
                width="48"
                height="48"
                style=verdict.picture.placeholder_css()
            />
            <div class="verdict-text">
                <p class="verdict-line">
                    "The crowd says "
                    <strong>{verdict.tally.summary()}</strong>
                    " — you said "
                    <strong>{verdict.your_rating.get()}</strong>
                </p>
                <p class="verdict-aside">
                    <a href=format!("/p/{}", verdict.picture.id)
                        aria-label=format!("How it stands: {}", verdict.picture.title)>
                        {verdict.picture.title.clone()}
                    </a>
                    " · " {aside}
                </p>
            </div>
        </section>
    }
}
