//! The usual proxy variables: `https_proxy` for https URLs, `http_proxy` for http URLs,
//! `all_proxy` for either, and `no_proxy` for the hosts that go direct; lowercase first, then
//! uppercase. (ureq alone would send every scheme through the first variable it finds.)

use ureq::Proxy;
use url::Url;

/// What the environment says about proxies, read once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    https: Option<String>,
    http: Option<String>,
    all: Option<String>,
    no_proxy: Option<String>,
}

fn var(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

impl ProxyEnv {
    pub fn from_env() -> ProxyEnv {
        ProxyEnv {
            https: var(&["https_proxy", "HTTPS_PROXY"]),
            http: var(&["http_proxy", "HTTP_PROXY"]),
            all: var(&["all_proxy", "ALL_PROXY"]),
            no_proxy: var(&["no_proxy", "NO_PROXY"]),
        }
    }

    /// The proxy for this URL, if any. A proxy setting that cannot be read is no proxy.
    pub fn for_url(&self, url: &Url) -> Option<Proxy> {
        let setting = match url.scheme() {
            "https" => self.https.as_ref().or(self.all.as_ref()),
            _ => self.http.as_ref().or(self.all.as_ref()),
        }?;
        let host = url.host_str()?.trim_matches(['[', ']']);
        if self
            .no_proxy
            .as_deref()
            .is_some_and(|list| bypasses(list, host))
        {
            return None;
        }
        Proxy::new(setting).ok()
    }
}

/// `no_proxy`: `*`, or names and domains (`example.com` and `.example.com` both cover
/// subdomains), or IP addresses; an optional `:port` is ignored.
fn bypasses(list: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            let entry = match entry.rsplit_once(':') {
                Some((name, port))
                    if port.bytes().all(|b| b.is_ascii_digit()) && !name.contains(':') =>
                {
                    name
                }
                _ => entry.as_str(),
            };
            let domain = entry
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .trim_matches(['[', ']']);
            host == domain || host.ends_with(&format!(".{domain}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(
        https: Option<&str>,
        http: Option<&str>,
        all: Option<&str>,
        no: Option<&str>,
    ) -> ProxyEnv {
        let own = |v: Option<&str>| v.map(str::to_string);
        ProxyEnv {
            https: own(https),
            http: own(http),
            all: own(all),
            no_proxy: own(no),
        }
    }

    fn proxied(env: &ProxyEnv, url: &str) -> Option<String> {
        env.for_url(&Url::parse(url).unwrap())
            .map(|p| format!("{}:{}", p.host(), p.port()))
    }

    #[test]
    fn each_scheme_has_its_own_proxy() {
        let e = env(
            Some("http://secure:3128"),
            Some("http://plain:3128"),
            None,
            None,
        );
        assert_eq!(
            proxied(&e, "https://example.com/").as_deref(),
            Some("secure:3128")
        );
        assert_eq!(
            proxied(&e, "http://example.com/").as_deref(),
            Some("plain:3128")
        );
        let only_http = env(None, Some("http://plain:3128"), None, None);
        assert_eq!(proxied(&only_http, "https://example.com/"), None);
        let all = env(None, None, Some("http://every:8080"), None);
        assert_eq!(
            proxied(&all, "https://example.com/").as_deref(),
            Some("every:8080")
        );
    }

    #[test]
    fn no_proxy_lists_hosts_that_go_direct() {
        assert!(bypasses("*", "anything.example"));
        assert!(bypasses("example.com", "api.example.com"));
        assert!(bypasses(".example.com", "example.com"));
        assert!(bypasses("localhost, 127.0.0.1", "127.0.0.1"));
        assert!(bypasses("internal.example:8443", "internal.example"));
        assert!(bypasses("::1", "::1"));
        assert!(!bypasses("example.com", "notexample.com"));
        assert!(!bypasses("", "example.com"));
    }
}
