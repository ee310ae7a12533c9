//! Files the user names (a config file, a CA bundle) are read whole, so they are read with a
//! limit: a device, a pipe or a huge file is refused before it can fill the memory.

use std::fs;
use std::io::Read;
use std::path::Path;

/// Why a file was not read, in words that follow its name: "{path}: {why}".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It does not exist.
    Missing,
    /// Not a regular file: a directory, a device, a pipe, a socket.
    NotAFile(&'static str),
    TooLarge(u64),
    Unreadable(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Missing => f.write_str("no such file or directory"),
            Refusal::NotAFile(what) => write!(f, "is {what}, not a regular file"),
            Refusal::TooLarge(limit) => {
                write!(
                    f,
                    "is larger than {} MiB, too large to be read",
                    limit >> 20
                )
            }
            Refusal::Unreadable(why) => f.write_str(why),
        }
    }
}

/// Reads a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let mut bytes = Vec::new();
    open_bounded(path, limit)?
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    // It may have grown since it was measured.
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge(limit));
    }
    Ok(bytes)
}

/// Opens a regular file of at most `limit` bytes, to be read as far as the reader needs: reads
/// stop one byte past the limit, which says that the file grew since it was measured.
pub fn open_bounded(path: &Path, limit: u64) -> Result<std::io::Take<fs::File>, Refusal> {
    // Asked before opening: opening a pipe would wait for a writer.
    let metadata = fs::metadata(path).map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(Refusal::NotAFile(kind_of(&metadata.file_type())));
    }
    if metadata.len() > limit {
        return Err(Refusal::TooLarge(limit));
    }
    let file = open_without_waiting(path).map_err(unreadable)?;
    // Asked again of what was opened: the path may have been swapped in between.
    let opened = file.metadata().map_err(unreadable)?;
    if !opened.is_file() {
        return Err(Refusal::NotAFile(kind_of(&opened.file_type())));
    }
    if opened.len() > limit {
        return Err(Refusal::TooLarge(limit));
    }
    Ok(file.take(limit + 1))
}

fn unreadable(e: std::io::Error) -> Refusal {
    if e.kind() == std::io::ErrorKind::NotFound {
        Refusal::Missing
    } else {
        Refusal::Unreadable(crate::text::words::io_error(&e))
    }
}

/// Opens for reading without ever waiting: a file that has nothing to give yet (a pipe swapped
/// in, `/proc/kmsg`) fails to read instead of blocking for good.
fn open_without_waiting(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO or a device opened without blocking: it is refused below, not waited on.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

fn kind_of(kind: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// The line, counted from 1, at a byte offset into a file's text: for errors that point into it.
pub fn line_of(text: &str, offset: usize) -> usize {
    let before = &text.as_bytes()[..offset.min(text.len())];
    before.iter().filter(|&&byte| byte == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_files_are_read() {
        let dir = std::env::temp_dir();
        assert_eq!(
            read_bounded(&dir, 1024),
            Err(Refusal::NotAFile("a directory"))
        );
        #[cfg(unix)]
        assert_eq!(
            read_bounded(Path::new("/dev/zero"), 1024),
            Err(Refusal::NotAFile("a device"))
        );
        let path = dir.join(format!("isitdown-file-test-{}", std::process::id()));
        fs::write(&path, b"hello").unwrap();
        assert_eq!(read_bounded(&path, 5), Ok(b"hello".to_vec()));
        assert_eq!(read_bounded(&path, 4), Err(Refusal::TooLarge(4)));
        fs::remove_file(&path).unwrap();
        assert_eq!(read_bounded(&path, 4), Err(Refusal::Missing));
    }
}
