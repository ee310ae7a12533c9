//! Why a target is in its state, kept in its parts until a report renders it: the judge adds
//! to it, and nothing ever takes a sentence apart again.

use std::fmt;

/// The reason of a verdict, rendered as one sentence by [`fmt::Display`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reason {
    pub seen: Seen,
    /// The family an answer came over, when the other family did not answer ("IPv4").
    pub over: Option<&'static str>,
    /// What is not right about an answer that serves: slow, a certificate about to expire.
    pub worries: Vec<String>,
    /// What the other family did, when one family answered and the other did not.
    pub dual_stack: Option<String>,
    /// What the provider's status page admits, when it bears on the verdict.
    pub page: Option<PageNote>,
    /// What the places elsewhere found, with `--from`.
    pub elsewhere: Option<String>,
}

/// What was seen, the first part of every reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    /// The service answered with this status ("200 OK").
    Answered(String),
    /// Anything else, in one sentence: a failure, a wall, a status that is not right.
    Said(String),
}

impl Default for Seen {
    fn default() -> Seen {
        Seen::Said(String::new())
    }
}

/// The status page's summary, and whether it is what made an UP probe DEGRADED.
#[derive(Debug, Clone, PartialEq)]
pub struct PageNote {
    pub summary: String,
    pub made_it_worse: bool,
}

impl Reason {
    /// A reason that is one sentence and nothing more.
    pub fn said(sentence: impl Into<String>) -> Reason {
        Reason {
            seen: Seen::Said(sentence.into()),
            ..Reason::default()
        }
    }

    /// "answered {status}".
    pub fn answered(status: impl Into<String>) -> Reason {
        Reason {
            seen: Seen::Answered(status.into()),
            ..Reason::default()
        }
    }

    /// Whether what was seen is an answer the service gave.
    pub fn is_an_answer(&self) -> bool {
        matches!(self.seen, Seen::Answered(_))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = match &self.seen {
            Seen::Answered(status) => format!("answered {status}"),
            Seen::Said(sentence) => sentence.clone(),
        };
        if let (Some(family), true) = (self.over, self.is_an_answer()) {
            text.push_str(" over ");
            text.push_str(family);
        }
        if !self.worries.is_empty() {
            text.push_str(", but ");
            text.push_str(&self.worries.join(" and "));
        }
        if let Some(note) = &self.dual_stack {
            text.push_str("; ");
            text.push_str(note);
        }
        if let Some(page) = &self.page {
            text.push_str(if page.made_it_worse { ", but " } else { "; " });
            text.push_str(&page.summary);
        }
        if let Some(elsewhere) = &self.elsewhere {
            let here = text.trim_end_matches(['.', ' ']);
            text = match here.is_empty() {
                true => elsewhere.clone(),
                false => format!("{here}; {elsewhere}"),
            };
        }
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_read_as_one_sentence() {
        let mut reason = Reason::answered("200 OK");
        reason.over = Some("IPv4");
        reason.worries = vec!["slow: 900 ms, over 500ms".into()];
        reason.dual_stack = Some("IPv6 did not answer".into());
        reason.page = Some(PageNote {
            summary: "its status page reports a minor incident".into(),
            made_it_worse: false,
        });
        reason.elsewhere = Some("also up from 3 of 3 places elsewhere".into());
        assert_eq!(
            reason.to_string(),
            "answered 200 OK over IPv4, but slow: 900 ms, over 500ms; IPv6 did not answer; \
             its status page reports a minor incident; also up from 3 of 3 places elsewhere"
        );
        let mut failed = Reason::said("connection refused");
        failed.over = Some("IPv4");
        failed.elsewhere = Some("also down from 2 of 2 places elsewhere".into());
        assert_eq!(
            failed.to_string(),
            "connection refused; also down from 2 of 2 places elsewhere"
        );
    }
}
