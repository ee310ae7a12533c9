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

/// The most threads and open descriptors a running process held, sampled every 50 ms for
/// `watch`.
pub fn most_held(pid: u32, watch: std::time::Duration) -> (usize, usize) {
    let (mut threads, mut files) = (0, 0);
    let until = std::time::Instant::now() + watch;
    while std::time::Instant::now() < until {
        threads = threads.max(threads_of(pid).unwrap_or(0));
        files = files.max(open_files_of(pid).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (threads, files)
}
