//! `--expect` status sets: `200`, `2xx`, `200-299,301`.

use std::fmt;

/// A set of HTTP statuses, kept as inclusive ranges in the order they were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet {
    ranges: Vec<(u16, u16)>,
    text: String,
}

impl StatusSet {
    pub fn parse(text: &str) -> Result<StatusSet, String> {
        let ranges = text
            .split(',')
            .map(|part| parse_part(part.trim()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                format!("'{text}' is not a list of statuses (try 200, 2xx or 200-299,301)")
            })?;
        Ok(StatusSet {
            ranges,
            text: text.split(',').map(str::trim).collect::<Vec<_>>().join(","),
        })
    }

    pub fn contains(&self, status: u16) -> bool {
        self.ranges
            .iter()
            .any(|&(low, high)| (low..=high).contains(&status))
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_part(part: &str) -> Option<(u16, u16)> {
    let code = |s: &str| -> Option<u16> {
        let value: u16 = s.trim().parse().ok()?;
        (100..=599).contains(&value).then_some(value)
    };
    if let Some(class) = part.strip_suffix("xx").or_else(|| part.strip_suffix("XX")) {
        let digit: u16 = class.parse().ok().filter(|d| (1..=5).contains(d))?;
        return (class.len() == 1).then_some((digit * 100, digit * 100 + 99));
    }
    match part.split_once('-') {
        Some((low, high)) => {
            let (low, high) = (code(low)?, code(high)?);
            (low <= high).then_some((low, high))
        }
        None => code(part).map(|c| (c, c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_classes_and_ranges() {
        let set = StatusSet::parse("200-299, 301,4xx").unwrap();
        assert!(set.contains(200) && set.contains(299) && set.contains(301));
        assert!(set.contains(404) && !set.contains(302) && !set.contains(500));
        assert_eq!(set.to_string(), "200-299,301,4xx");
    }

    #[test]
    fn rejects_what_is_not_a_status() {
        for bad in [
            "", "abc", "2zz", "299-200", "42", "1000", "0xx", "20xx", "200,",
        ] {
            assert!(StatusSet::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
