//! Probing every target once, concurrently, and reporting in argument order as results arrive.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::SystemTime;

use crate::probe;
use crate::report::{Outcome, Reporter};
use crate::settings::{Plan, Settings};
use crate::verdict::{self, State};

/// More targets than this are probed in waves of this many at once.
const MAX_PARALLEL: usize = 64;

/// Probes a target, again up to `retries` times while it is down; the last probe counts.
pub fn probe_target(settings: &Settings, plan: &Plan, seq: u32) -> Outcome {
    let mut attempt = 0;
    loop {
        let seen = probe::probe(&settings.client, &plan.request);
        let verdict = verdict::judge(&seen, &plan.criteria, SystemTime::now());
        if verdict.state != State::Down || attempt >= settings.retries {
            return Outcome {
                target: plan.target.clone(),
                seq,
                seen,
                verdict,
            };
        }
        attempt += 1;
    }
}

/// Probes every plan concurrently; the reporter sees them in order, each as soon as it and
/// every one before it is done. A failing reporter (a closed stdout) stops the reporting, not
/// the probing; its error is returned with the outcomes.
pub fn probe_all(
    settings: &Settings,
    plans: &[Plan],
    seq: u32,
    reporter: &mut dyn Reporter,
) -> (Vec<Outcome>, io::Result<()>) {
    let (sender, receiver) = mpsc::channel();
    let next_plan = AtomicUsize::new(0);
    let mut outcomes = Vec::with_capacity(plans.len());
    let mut reported: io::Result<()> = Ok(());
    thread::scope(|scope| {
        for _ in 0..plans.len().min(MAX_PARALLEL) {
            let sender = sender.clone();
            let next_plan = &next_plan;
            scope.spawn(move || loop {
                let index = next_plan.fetch_add(1, Ordering::Relaxed);
                let Some(plan) = plans.get(index) else { break };
                if sender
                    .send((index, probe_target(settings, plan, seq)))
                    .is_err()
                {
                    break;
                }
            });
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        for (index, outcome) in receiver {
            waiting.insert(index, outcome);
            while let Some(outcome) = waiting.remove(&outcomes.len()) {
                if reported.is_ok() {
                    reported = reporter.probe(&outcome);
                }
                outcomes.push(outcome);
            }
        }
    });
    (outcomes, reported)
}
