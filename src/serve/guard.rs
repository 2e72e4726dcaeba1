//! Who gets in, and which files a request may name.
//!
//! - The `Host` header must be an IP address, `localhost` or an allowed name, with the
//!   server's port: a page of another site whose name was made to point here (DNS
//!   rebinding) is refused.
//! - With a token, every request carries it: `Authorization: Bearer …`, or the cookie a
//!   browser gets by opening `/?token=…` once. Tokens are compared in constant time.
//! - A request that changes something and comes from a browser must come from the
//!   server's own pages (`Origin`, `Sec-Fetch-Site`): no cross-site request forgery.
//! - Every response carries a Content-Security-Policy that allows the server's own
//!   scripts and styles only.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::App;
use super::api::refusal;

pub const COOKIE: &str = "gongwen-token";

pub struct Guard {
    port: u16,
    names: Vec<String>,
    token: Option<String>,
}

impl Guard {
    pub fn new(address: SocketAddr, token: Option<String>, names: &[String]) -> Guard {
        let mut names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        names.push("localhost".into());
        Guard {
            port: address.port(),
            names,
            token,
        }
    }

    /// Whether `host` (a `Host` header) names this server.
    pub fn host_allowed(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        if port != Some(self.port) && !(port.is_none() && self.port == 80) {
            return false;
        }
        let name = name.to_ascii_lowercase();
        // An address cannot be re-pointed by DNS; a name must be one the user allowed.
        name.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok()
            || self.names.contains(&name)
    }

    fn token_matches(&self, given: Option<&str>) -> bool {
        match (&self.token, given) {
            (Some(token), Some(given)) => constant_time_eq(token.as_bytes(), given.as_bytes()),
            _ => false,
        }
    }
}

/// `name[:port]`, the name possibly a bracketed IPv6 address.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    if host.is_empty() || host.contains(['/', '@', ' ', '\\']) {
        return None;
    }
    let (name, port) = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => (&host[..i], Some(&host[i + 1..])),
        _ => (host, None),
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    Some((name, port))
}

/// Equal bytes, in a time that does not depend on where they differ: both are hashed, and
/// every byte of the hashes is compared.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// A new random token: 128 bits from the system's random source, in hex.
pub fn new_token() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn query_token(request: &Request) -> Option<String> {
    request.uri().query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "token").then(|| value.to_owned())
    })
}

/// The middleware every request passes.
pub async fn check(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let guard = &app.guard;
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !guard.host_allowed(host) {
        return with_policy(refusal(
            StatusCode::MISDIRECTED_REQUEST,
            t!(
                "this server does not answer to the name `%{host}`",
                host = host
            ),
            t!("open the address gongwen serve printed, or allow the name with --allow-host"),
        ));
    }
    let mut by_header = false;
    if guard.token.is_some() {
        if guard.token_matches(bearer(headers)) {
            by_header = true;
        } else if guard.token_matches(cookie(headers, COOKIE)) {
        } else if request.method() == Method::GET
            && guard.token_matches(query_token(&request).as_deref())
        {
            // The token of the printed address becomes a cookie of this site, and leaves
            // the address bar.
            let path = request.uri().path().to_owned();
            let mut response = axum::response::Redirect::to(&path).into_response();
            let cookie = format!(
                "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
                query_token(&request).unwrap_or_default()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            return with_policy(response);
        } else {
            return with_policy(refusal(
                StatusCode::UNAUTHORIZED,
                t!("this server needs its token"),
                t!(
                    "open the address with ?token=… that gongwen serve printed, or send the header Authorization: Bearer …"
                ),
            ));
        }
    }
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    if !reads && !by_header && !same_origin(headers, host, guard.token.is_some()) {
        return with_policy(refusal(
            StatusCode::FORBIDDEN,
            t!("a request from another site was refused"),
            t!(
                "change documents from gongwen's own pages, or send the token in the Authorization header"
            ),
        ));
    }
    with_policy(next.run(request).await)
}

/// Whether a request that changes something comes from this server's own pages. A
/// browser names the page's origin (`Origin`) and says whether it is this site
/// (`Sec-Fetch-Site`); a program such as curl names neither, and is let in where no token
/// is asked (on loopback), since no browser sends a cross-site request without them.
fn same_origin(headers: &HeaderMap, host: &str, token_asked: bool) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    match text("origin") {
        Some(origin) => origin == format!("http://{host}"),
        None => !token_asked,
    }
}

/// The headers every response carries.
fn with_policy(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    response
}

/// The data file `relative` names inside `root` (canonical), which must exist and be a
/// regular file: no `..`, no absolute path, no percent sign left after decoding (a name
/// encoded twice), no link that leads out of the folder.
pub fn existing_data_file(root: &Path, relative: &str) -> Option<PathBuf> {
    let joined = root.join(plain_relative(relative)?);
    let real = std::fs::canonicalize(joined).ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

/// Where a new data file `relative` would go inside `root`: its folder must exist inside
/// the root, and the file must not exist yet.
pub fn new_data_file(root: &Path, relative: &str) -> Option<PathBuf> {
    let joined = root.join(plain_relative(relative)?);
    let folder = std::fs::canonicalize(joined.parent()?).ok()?;
    let target = folder.join(joined.file_name()?);
    let free = std::fs::symlink_metadata(&target).is_err();
    (folder.starts_with(root) && free).then_some(target)
}

/// `relative` when it is a plain relative path of a `.yaml`/`.yml` file.
fn plain_relative(relative: &str) -> Option<&Path> {
    if relative.is_empty()
        || relative.len() > 1024
        || relative.contains(['\\', '\0', '%', ':'])
        || relative.chars().any(char::is_control)
    {
        return None;
    }
    let path = Path::new(relative);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    let extension = path.extension().and_then(|e| e.to_str());
    (plain && matches!(extension, Some("yaml" | "yml"))).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard::new(
            "127.0.0.1:8123".parse().unwrap(),
            None,
            &["oa.example".into()],
        )
    }

    #[test]
    fn hosts_are_addresses_localhost_or_allowed_names_with_the_port() {
        let g = guard();
        for ok in [
            "127.0.0.1:8123",
            "localhost:8123",
            "[::1]:8123",
            "OA.example:8123",
            "10.0.0.7:8123",
        ] {
            assert!(g.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example:8123",
            "127.0.0.1:80",
            "127.0.0.1",
            "",
            "localhost:8123/x",
            "a@localhost:8123",
        ] {
            assert!(!g.host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert_eq!(new_token().unwrap().len(), 32);
    }

    #[test]
    fn only_plain_relative_yaml_names_are_data_files() {
        for bad in [
            "../x.yaml",
            "/etc/x.yaml",
            "a/../../x.yaml",
            "./x.yaml",
            "x.txt",
            "%2e%2e/x.yaml",
            "a\\..\\x.yaml",
            "",
            "c:x.yaml",
        ] {
            assert!(plain_relative(bad).is_none(), "{bad}");
        }
        assert!(plain_relative("sub/x.yaml").is_some());
    }
}
