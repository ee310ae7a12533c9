//! Team Cymru's IP-to-ASN lookup over DNS: `<reversed address>.origin.asn.cymru.com` (IPv4) or
//! `<reversed nibbles>.origin6.asn.cymru.com` (IPv6) answers a TXT record
//! `"3269 | 151.0.0.0/16 | IT | ripencc | 1998-05-12"`, and `AS3269.asn.cymru.com` answers
//! `"3269 | IT | ripencc | 1993-09-01 | ASN-IBSNAZ, IT"`, whose last field names the network.

use std::net::IpAddr;

/// The name whose TXT record holds the origin ASN of `address`.
pub fn origin_name(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.origin.asn.cymru.com")
        }
        IpAddr::V6(v6) => {
            let nibbles: Vec<String> = v6
                .octets()
                .iter()
                .rev()
                .flat_map(|byte| [byte & 0x0f, byte >> 4])
                .map(|nibble| format!("{nibble:x}"))
                .collect();
            format!("{}.origin6.asn.cymru.com", nibbles.join("."))
        }
    }
}

/// The name whose TXT record names the network of `asn`.
pub fn network_name(asn: u32) -> String {
    format!("AS{asn}.asn.cymru.com")
}

/// The ASN of the first record that has one. An address announced by several ASNs has them
/// all in the first field (`"3269 3320 | ..."`): the first is taken.
pub fn origin_asn(records: &[String]) -> Option<u32> {
    records.iter().find_map(|record| {
        let first = record.split('|').next()?;
        first
            .split_whitespace()
            .next()?
            .parse::<u32>()
            .ok()
            .filter(|asn| *asn > 0)
    })
}

/// The network's name from an `AS<n>` record: its last field, without the trailing country.
pub fn network(records: &[String]) -> Option<String> {
    records.iter().find_map(|record| {
        let fields: Vec<&str> = record.split('|').map(str::trim).collect();
        let last = fields.get(4)?;
        let name = match last.rsplit_once(',') {
            Some((name, country)) if country.trim().len() == 2 => name.trim(),
            _ => last,
        };
        (!name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_reversed_addresses() {
        assert_eq!(
            origin_name("151.20.3.4".parse().unwrap()),
            "4.3.20.151.origin.asn.cymru.com"
        );
        let v6 = origin_name("2001:db8::1".parse().unwrap());
        assert!(v6.starts_with("1.0.0.0.0.0.0.0."), "{v6}");
        assert!(
            v6.ends_with(".8.b.d.0.1.0.0.2.origin6.asn.cymru.com"),
            "{v6}"
        );
        assert_eq!(network_name(3269), "AS3269.asn.cymru.com");
    }

    #[test]
    fn records_give_the_asn_and_the_network() {
        let origin = ["3269 | 151.0.0.0/16 | IT | ripencc | 1998-05-12".to_string()];
        assert_eq!(origin_asn(&origin), Some(3269));
        assert_eq!(
            origin_asn(&["13335 209242 | 1.1.1.0/24 | AU".to_string()]),
            Some(13335)
        );
        assert_eq!(origin_asn(&["garbage".to_string()]), None);
        assert_eq!(origin_asn(&[]), None);
        let name = ["3269 | IT | ripencc | 1993-09-01 | Telecom Italia, IT".to_string()];
        assert_eq!(network(&name).as_deref(), Some("Telecom Italia"));
        let plain = ["15169 | US | arin | 2000-03-30 | GOOGLE".to_string()];
        assert_eq!(network(&plain).as_deref(), Some("GOOGLE"));
        assert_eq!(network(&["3269 | IT".to_string()]), None);
    }
}
