//! The pages whose code a browser downloads only when it opens them.
//!
//! Every visitor starts on the vote page, and most never leave it; before this, each of them
//! downloaded the code of every page (the standings, accounts, moderation and dashboards too),
//! and views are most of the bundle's size. Each page here is a Leptos lazy route: in a release
//! build (`cargo leptos build --split`) its view is cut out of the main WASM into a chunk of its
//! own, with code shared by several pages in shared chunks, fetched when the page is first shown.
//!
//! On the server nothing changes: every page is rendered whole, before it is sent, and works
//! without JavaScript. Opened directly, such a page hydrates once its chunks have arrived
//! (`frontend` hydrates asynchronously); the server does not preload them, because the client
//! code waits for the page's own content anyway (see `client_code`). Reached from the header,
//! a page's chunks are asked for when its link is pointed at (`fetch_code_of` in the app).
//!
//! The vote page and the not-found page stay in the main bundle: one is the page everybody
//! opens first, the other is small and is the router's fallback.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::{
    accounts::{
        links::{ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage},
        login::LoginPage,
        settings::SettingsPage,
        signup::{CheckInboxPage, SignUpPage},
    },
    admin::FlaggedVotesPage,
    moderation::HeldPicturesPage,
    operators::{KpiDashboardPage, SystemDashboardPage},
    profile::ProfilePage,
    standings::{
        about::AboutScoresPage, boards::LeaderboardPage, mine::MyPicturesPage,
        picture::PictureRoute, search::SearchPage, share::ShareRoute,
    },
    uploads::UploadPage,
};
use crate::standings::boards::Board;

/// Declares, for each page, a route type whose view is loaded lazily. The pages need no data
/// before their view: each loads its own with resources, as it did when eager.
macro_rules! lazy_pages {
    ($($route:ident => $page:expr;)*) => {$(
        #[derive(Debug)]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $page.into_any()
            }
        }
    )*};
}

lazy_pages! {
    SignUp => view! { <SignUpPage/> };
    CheckInbox => view! { <CheckInboxPage/> };
    Login => view! { <LoginPage/> };
    VerifyEmail => view! { <VerifyEmailPage/> };
    ForgotPassword => view! { <ForgotPasswordPage/> };
    ResetPassword => view! { <ResetPasswordPage/> };
    Settings => view! { <SettingsPage/> };
    Upload => view! { <UploadPage/> };
    Profile => view! { <ProfilePage/> };
    TopBoard => view! { <LeaderboardPage board=Board::Top/> };
    HotBoard => view! { <LeaderboardPage board=Board::Hot/> };
    NewBoard => view! { <LeaderboardPage board=Board::New/> };
    DivisiveBoard => view! { <LeaderboardPage board=Board::Divisive/> };
    Picture => view! { <PictureRoute/> };
    Share => view! { <ShareRoute/> };
    Search => view! { <SearchPage/> };
    MyPictures => view! { <MyPicturesPage/> };
    AboutScores => view! { <AboutScoresPage/> };
    KpiDashboard => view! { <KpiDashboardPage/> };
    SystemDashboard => view! { <SystemDashboardPage/> };
    FlaggedVotes => view! { <FlaggedVotesPage/> };
    HeldPictures => view! { <HeldPicturesPage/> };
}
