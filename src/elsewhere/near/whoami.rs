//! This machine's public address and country, as a "whoami" endpoint sees them. Cloudflare's
//! `/cdn-cgi/trace` answers lines of `key=value`, among them `ip=` and `loc=` (a two-letter
//! country code, or `XX` when it does not know).

use std::net::IpAddr;

/// The address and country an answer gives, each when it gives one that makes sense.
pub fn parse(body: &str) -> (Option<IpAddr>, Option<String>) {
    let mut address = None;
    let mut country = None;
    for line in body.lines().take(64) {
        match line.split_once('=') {
            Some(("ip", value)) => address = value.trim().parse().ok(),
            Some(("loc", value)) => {
                let code = value.trim().to_ascii_uppercase();
                let plausible = code.len() == 2
                    && code.bytes().all(|b| b.is_ascii_uppercase())
                    && code != "XX"
                    && code != "T1";
                country = plausible.then_some(code);
            }
            _ => {}
        }
    }
    (address, country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_address_and_the_country() {
        let trace = "fl=12f\nh=1.1.1.1\nip=151.20.3.4\nts=1700000000.1\nvisit_scheme=https\n\
                     uag=isitdown\ncolo=MXP\nhttp=http/1.1\nloc=IT\ntls=TLSv1.3\n";
        assert_eq!(
            parse(trace),
            (Some("151.20.3.4".parse().unwrap()), Some("IT".to_string()))
        );
        assert_eq!(
            parse("ip=2001:db8::1\nloc=de"),
            (Some("2001:db8::1".parse().unwrap()), Some("DE".to_string()))
        );
    }

    #[test]
    fn what_makes_no_sense_is_not_known() {
        assert_eq!(parse(""), (None, None));
        assert_eq!(parse("ip=not-an-address\nloc=XX"), (None, None));
        assert_eq!(parse("<html>loc=Italy</html>"), (None, None));
        assert_eq!(parse("loc=T1"), (None, None), "Tor is no country");
    }
}
