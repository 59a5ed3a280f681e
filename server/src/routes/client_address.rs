//! Which address a request comes from, when the site runs behind reverse proxies.
//!
//! The site serves plain HTTP, so an https deployment puts a proxy in front, and then every
//! connection comes from the proxy. Proxies name the client in `X-Forwarded-For` (or the
//! standard `Forwarded`), but anybody can send those headers: they are believed only when the
//! connection comes from a configured trusted proxy, and then only as far as the chain of
//! trusted proxies goes. Reading right to left (each proxy appends the address it saw), the
//! first hop that is not a trusted proxy is the client; a spoofed value further left, written
//! by the client itself, is never reached.

use app::server::ClientAddress;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, header::FORWARDED},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

/// The configured proxies (`server.trusted_proxies`), as addresses and CIDR blocks.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpNet>>);

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// Puts the request's [`ClientAddress`] in its extensions.
pub async fn resolve_client_address(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = client_address(peer, request.headers(), &proxies);
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}

/// The client behind a request that arrived from `peer` with `headers`.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, proxies: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if !proxies.trusts(peer) {
        return peer;
    }
    let forwarded_for: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let hops = if forwarded_for.is_empty() {
        headers
            .get_all(FORWARDED)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(forwarded_for_param)
            .collect()
    } else {
        forwarded_for
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A hop we cannot read ends the chain: the proxy that wrote it is as far as we know.
        let Some(address) = parse_hop(hop) else { break };
        client = address;
        if !proxies.trusts(address) {
            break;
        }
    }
    client
}

/// The `for=` parameter of one `Forwarded` element (RFC 7239), unquoted.
fn forwarded_for_param(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        name.trim().eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"'))
    })
}

/// An address as proxies write it: `192.0.2.7`, `192.0.2.7:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Ok(socket) = hop.parse::<SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    let bracketed = hop.strip_prefix('[')?.split_once(']')?.0;
    bracketed.parse::<IpAddr>().ok().map(canonical)
}

/// IPv4 clients reaching an IPv6 socket appear as `::ffff:a.b.c.d`: they are IPv4 clients.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies(Arc::new(list.iter().map(|p| p.parse().unwrap()).collect()))
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn headers_from_untrusted_peers_are_ignored() {
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_address(ip("198.51.100.4"), &spoofed, &proxies(&[])), ip("198.51.100.4"));
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(client_address(ip("198.51.100.4"), &spoofed, &trusted), ip("198.51.100.4"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "fd00::/8"]);
        // The client wrote a fake first entry; our two proxies appended what they saw.
        let chain = headers(&[
            ("x-forwarded-for", "1.2.3.4, 198.51.100.4"),
            ("x-forwarded-for", "10.0.0.2"),
        ]);
        assert_eq!(client_address(ip("10.0.0.1"), &chain, &trusted), ip("198.51.100.4"));
        let ipv6 = headers(&[("x-forwarded-for", "[2001:db8::7]:5000")]);
        assert_eq!(client_address(ip("fd00::1"), &ipv6, &trusted), ip("2001:db8::7"));
        // Only proxies all the way: the left-most is as far as anyone can tell.
        let all_ours = headers(&[("x-forwarded-for", "10.0.0.3, 10.0.0.2")]);
        assert_eq!(client_address(ip("10.0.0.1"), &all_ours, &trusted), ip("10.0.0.3"));
        // No header from a trusted proxy: the proxy is the client.
        assert_eq!(client_address(ip("10.0.0.1"), &HeaderMap::new(), &trusted), ip("10.0.0.1"));
        // Garbage stops the walk at the proxy that passed it on.
        let garbage = headers(&[("x-forwarded-for", "198.51.100.4, not-an-address, 10.0.0.2")]);
        assert_eq!(client_address(ip("10.0.0.1"), &garbage, &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn the_standard_forwarded_header_is_read_too() {
        let trusted = proxies(&["127.0.0.1/32"]);
        let forwarded =
            headers(&[("forwarded", "for=1.2.3.4;proto=https, for=\"[2001:db8::9]:443\";by=x")]);
        assert_eq!(client_address(ip("127.0.0.1"), &forwarded, &trusted), ip("2001:db8::9"));
        let mapped = ip("::ffff:192.0.2.7");
        assert_eq!(client_address(mapped, &HeaderMap::new(), &proxies(&[])), ip("192.0.2.7"));
    }
}
