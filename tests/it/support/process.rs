//! What a running isitdown holds, read from /proc: its threads and its open descriptors.

/// The number of threads of a running process.
pub fn threads_of(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))?
        .trim()
        .parse()
        .ok()
}

/// The number of descriptors a running process has open.
pub fn open_files_of(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// The threads and open descriptors of a running process, sampled every 50 ms until `done`
/// holds (at most [`super::PATIENCE`], then the test fails naming `what`); in the order taken.
pub fn held_until(pid: u32, what: &str, mut done: impl FnMut() -> bool) -> Vec<(usize, usize)> {
    let mut samples = Vec::new();
    let deadline = std::time::Instant::now() + super::PATIENCE;
    loop {
        samples.push((
            threads_of(pid).unwrap_or(0),
            open_files_of(pid).unwrap_or(0),
        ));
        if done() {
            return samples;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not seen within {:?}",
            super::PATIENCE
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The most threads and open descriptors a running process held until `done` holds (see
/// [`held_until`]).
pub fn most_held_until(pid: u32, what: &str, done: impl FnMut() -> bool) -> (usize, usize) {
    held_until(pid, what, done)
        .into_iter()
        .fold((0, 0), |(t, f), (threads, files)| {
            (t.max(threads), f.max(files))
        })
}
