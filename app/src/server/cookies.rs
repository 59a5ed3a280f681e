//! The site's two cookies: the voter's (a signed voter id, a year) and the session's (a token, as
//! long as the session). Both are `HttpOnly` and `SameSite=Lax`; over https they are `Secure` and
//! bound to the host with the `__Host-` prefix.

use cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use std::time::Duration;

/// A year, in seconds: how long a browser keeps its voter id.
const VOTER_COOKIE_SECONDS: i64 = 365 * 24 * 60 * 60;

/// Cookie settings that depend on how the site is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePolicy {
    /// Served over https: mark cookies `Secure` and bind them to the host with the `__Host-` prefix.
    pub secure: bool,
}

impl CookiePolicy {
    pub fn voter_cookie_name(self) -> &'static str {
        if self.secure { "__Host-rmd_voter" } else { "rmd_voter" }
    }

    pub fn session_cookie_name(self) -> &'static str {
        if self.secure { "__Host-rmd_session" } else { "rmd_session" }
    }

    /// A `Set-Cookie` value for the voter cookie, valid for a year.
    pub fn voter_set_cookie(self, value: &str) -> String {
        self.set_cookie(self.voter_cookie_name(), value, VOTER_COOKIE_SECONDS)
    }

    /// A `Set-Cookie` value for a session cookie that lasts as long as the session.
    pub fn session_set_cookie(self, token: &str, max_age: Duration) -> String {
        let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
        self.set_cookie(self.session_cookie_name(), token, seconds)
    }

    /// A `Set-Cookie` value that makes the browser forget its session cookie.
    pub fn session_clear_cookie(self) -> String {
        self.set_cookie(self.session_cookie_name(), "", 0)
    }

    fn set_cookie(self, name: &str, value: &str, max_age_seconds: i64) -> String {
        Cookie::build((name, value))
            .path("/")
            .max_age(CookieDuration::seconds(max_age_seconds))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .build()
            .to_string()
    }

    /// Finds the voter cookie's value in a `Cookie` request header.
    pub fn find_voter_cookie(self, cookie_header: &str) -> Option<String> {
        find_cookie(cookie_header, self.voter_cookie_name())
    }

    /// Finds the session cookie's value in a `Cookie` request header.
    pub fn find_session_cookie(self, cookie_header: &str) -> Option<String> {
        find_cookie(cookie_header, self.session_cookie_name())
    }
}

/// The value of the cookie called `name` in a `Cookie` header; pairs that do not parse are skipped.
fn find_cookie(cookie_header: &str, name: &str) -> Option<String> {
    Cookie::split_parse(cookie_header)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes_follow_the_scheme() {
        let plain = CookiePolicy { secure: false }.voter_set_cookie("v");
        assert_eq!(plain, "rmd_voter=v; HttpOnly; SameSite=Lax; Path=/; Max-Age=31536000");
        let secure = CookiePolicy { secure: true }.voter_set_cookie("v");
        assert!(secure.starts_with("__Host-rmd_voter=v;"));
        assert!(secure.contains("; Secure"));
        let session =
            CookiePolicy { secure: true }.session_set_cookie("t", Duration::from_secs(60));
        assert_eq!(
            session,
            "__Host-rmd_session=t; HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age=60"
        );
        let cleared = CookiePolicy { secure: false }.session_clear_cookie();
        assert_eq!(cleared, "rmd_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    }

    #[test]
    fn finds_the_cookie_among_others() {
        let policy = CookiePolicy { secure: false };
        assert_eq!(policy.find_voter_cookie("a=1; rmd_voter=xyz; b=2").as_deref(), Some("xyz"));
        assert_eq!(policy.find_voter_cookie("xrmd_voter=1"), None);
        assert_eq!(policy.find_voter_cookie(""), None);
        assert_eq!(policy.find_voter_cookie("junk; rmd_voter=ok").as_deref(), Some("ok"));
    }
}
