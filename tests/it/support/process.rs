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

/// The most threads and open descriptors a running process held, sampled every 50 ms until
/// `done` holds (at most [`super::PATIENCE`], then the test fails naming `what`).
pub fn most_held_until(pid: u32, what: &str, mut done: impl FnMut() -> bool) -> (usize, usize) {
    let (mut threads, mut files) = (0, 0);
    let deadline = std::time::Instant::now() + super::PATIENCE;
    loop {
        threads = threads.max(threads_of(pid).unwrap_or(0));
        files = files.max(open_files_of(pid).unwrap_or(0));
        if done() {
            return (threads, files);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not seen within {:?}",
            super::PATIENCE
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
