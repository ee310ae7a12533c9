//! The history database: one SQLite file, opened in WAL mode so that a cron job, a watch and a
//! person can write at once (writers wait their turn for a short while; readers never wait).
//!
//! Two tables: `probes`, a row per probe, and `hours`, each target's counts and latencies per
//! hour, kept up to date as rows are written, so that a month of a busy watch is summed from a
//! few thousand rows rather than millions. The schema's version is SQLite's `user_version`:
//! one read per open, and the migrations below run once, when it is behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};

use super::latency::Buckets;
use super::record::ProbeRow;
use super::Retention;

/// The schema this build writes; each step of [`MIGRATIONS`] brings a file one version up.
const SCHEMA_VERSION: i64 = 1;

const MIGRATIONS: &[&str] = &[
    // 0 -> 1: probes, their hourly sums, and the indexes the reading needs (each holds the
    // state, so that outages are found without reading the rows themselves).
    "CREATE TABLE probes (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        target TEXT NOT NULL,
        url TEXT NOT NULL,
        state TEXT NOT NULL,
        error_kind TEXT,
        status INTEGER,
        latency_ms REAL,
        reason TEXT NOT NULL,
        page TEXT,
        elsewhere_up INTEGER,
        elsewhere_degraded INTEGER,
        elsewhere_down INTEGER,
        elsewhere_unknown INTEGER
     );
     CREATE INDEX probes_by_target ON probes (target, at_ms, state);
     CREATE INDEX probes_in_trouble ON probes (target, at_ms, state) WHERE state <> 'up';
     CREATE TABLE hours (
        target TEXT NOT NULL,
        hour INTEGER NOT NULL,
        up INTEGER NOT NULL DEFAULT 0,
        degraded INTEGER NOT NULL DEFAULT 0,
        unknown INTEGER NOT NULL DEFAULT 0,
        down INTEGER NOT NULL DEFAULT 0,
        latencies BLOB,
        PRIMARY KEY (target, hour)
     ) WITHOUT ROWID;",
];

const INSERT_PROBE: &str = "INSERT INTO probes (at_ms, target, url, state, error_kind, status,
         latency_ms, reason, page, elsewhere_up, elsewhere_degraded, elsewhere_down,
         elsewhere_unknown)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
const HOUR_LATENCIES: &str = "SELECT latencies FROM hours WHERE target = ?1 AND hour = ?2";
const ADD_TO_HOUR: &str = "INSERT INTO hours (target, hour, up, degraded, unknown, down, latencies)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (target, hour) DO UPDATE SET
         up = up + excluded.up, degraded = degraded + excluded.degraded,
         unknown = unknown + excluded.unknown, down = down + excluded.down,
         latencies = excluded.latencies";

/// A writer closing leaves its write-ahead log in place, up to this size (see
/// [`Store::open`]); past it, the log is folded into the database and emptied.
const LOG_LEFT_BYTES: u64 = 256 * 1024;

/// How long a writer waits for another one before giving up on this write. A write takes a
/// millisecond or two, so this is many writers' worth, and short enough not to hold up a check.
const BUSY_TIMEOUT: Duration = Duration::from_millis(1500);

/// Why the history could not be written or read, in one line for stderr.
#[derive(Debug, thiserror::Error)]
pub enum Trouble {
    #[error("the history database {0} is busy (locked by another program): not recorded")]
    Locked(String),
    #[error("the history database {0} cannot be written (read-only): not recorded")]
    ReadOnly(String),
    #[error("the disk holding the history database {0} is full: not recorded")]
    Full(String),
    #[error("the history database {0} was damaged: kept as {1}, a new one is started")]
    Replaced(String, String),
    /// Found damaged while writing: the writer puts it aside (see [`Store::replace`]).
    #[error("the history database {0} is damaged")]
    Corrupt(String),
    #[error("the history database {0} is damaged, and could not be put aside: {1}")]
    Damaged(String, String),
    #[error("the history database {0} was written by a newer isitdown: not recorded")]
    Newer(String),
    #[error("the history database {0} is a folder, not a file: not recorded")]
    Folder(String),
    #[error("the history database {0} cannot be made: {1} is a file, not a folder: not recorded")]
    FileInTheWay(String, String),
    #[error("the history database {0}: {1}")]
    Other(String, String),
}

impl Trouble {
    /// The same trouble met while reading the history (`--history`), where nothing is being
    /// recorded.
    pub fn reading(&self) -> String {
        match self {
            Trouble::ReadOnly(path) => format!(
                "the history database {path} cannot be read: SQLite needs to write beside it, \
                 and its folder is read-only"
            ),
            Trouble::Newer(path) => format!(
                "the history database {path} was written by a newer isitdown, which this one \
                 cannot read"
            ),
            Trouble::Locked(path) => format!(
                "the history database {path} is busy (locked by another program): try again"
            ),
            Trouble::Full(path) => {
                format!("the history database {path} cannot be read: its disk is full")
            }
            other => other.to_string(),
        }
    }
}

/// An open history database.
pub struct Store {
    connection: Connection,
    path: PathBuf,
    writing: bool,
    /// The file opened, as the file system knows it: another process may have put it aside
    /// and started a new one at the same path since.
    file: Option<FileId>,
}

/// A file's device and inode (none where the platform does not say).
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl Store {
    /// Opens (and creates, with its folder) the database for writing. A file that is not a
    /// database, or a damaged one, is renamed beside itself and a new one started: the second
    /// value says so.
    pub fn open_for_writing(path: &Path) -> Result<(Store, Option<Trouble>), Trouble> {
        if path.is_dir() {
            return Err(Trouble::Folder(shown(path)));
        }
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let made = !folder.exists();
            std::fs::create_dir_all(folder).map_err(|e| match file_in_the_way(folder) {
                Some(file) => Trouble::FileInTheWay(shown(path), shown(&file)),
                None => io_trouble(path, &e),
            })?;
            // What was probed, and when, is the user's own business.
            #[cfg(unix)]
            if made {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700));
            }
        }
        let file = file_id(path);
        match Store::open(path, true) {
            Err(error) if is_damage(&error) => Store::start_again(path, file),
            Err(error) => Err(trouble(path, &error)),
            Ok(store) => Ok((store, None)),
        }
    }

    /// Puts this damaged database aside and starts a new one at its path, unless another
    /// process has already done so: then its new one is opened.
    pub fn replace(self) -> Result<(Store, Option<Trouble>), Trouble> {
        let (path, file) = (self.path.clone(), self.file);
        drop(self);
        Store::start_again(&path, file)
    }

    /// Renames the damaged `file` at `path` beside itself and opens a new database there.
    fn start_again(path: &Path, file: Option<FileId>) -> Result<(Store, Option<Trouble>), Trouble> {
        let still_there = file.is_none() || file_id(path) == file;
        let kept = match still_there {
            true => Some(
                put_aside(path)
                    .map_err(|e| Trouble::Damaged(shown(path), crate::text::words::io_error(&e)))?,
            ),
            false => None,
        };
        let store = Store::open(path, true).map_err(|e| trouble(path, &e))?;
        let note = kept.map(|kept| Trouble::Replaced(shown(path), shown(&kept)));
        Ok((store, note))
    }

    /// Opens an existing database for reading; `None` when there is none yet.
    pub fn open_for_reading(path: &Path) -> Result<Option<Store>, Trouble> {
        if !path.exists() {
            return Ok(None);
        }
        if path.is_dir() {
            return Err(Trouble::Other(shown(path), "a folder, not a file".into()));
        }
        Store::open(path, false)
            .map(Some)
            .map_err(|e| trouble(path, &e))
    }

    fn open(path: &Path, write: bool) -> rusqlite::Result<Store> {
        let flags = if write {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(path, flags)?;
        let file = file_id(path);
        connection.busy_timeout(BUSY_TIMEOUT)?;
        let version: i64 = connection.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let store = Store {
            connection,
            path: path.to_path_buf(),
            writing: write,
            file,
        };
        if version > SCHEMA_VERSION {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
                Some("newer".into()),
            ));
        }
        if write {
            // No disk syncs: a check never waits for the disk (a sync costs milliseconds, and
            // tens of them on a busy disk, more than the probe of a fast service). What this
            // risks is the file, on a power cut or a crash of the system (not of isitdown): the
            // next run then finds it damaged, puts it aside and starts a new one. The cache is
            // small: a writer touches the ends of the indexes only, and a long watch's memory
            // stays flat.
            store
                .connection
                .execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -1024")?;
            // The last writer to close would fold the log into the database and delete it and
            // its index, which the next run creates again: a third of a one-shot run's
            // recording. The log is left instead, bounded (see `Drop`), and the next open reads
            // it back.
            store
                .connection
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
            if version < SCHEMA_VERSION {
                store.migrate()?;
            }
        }
        Ok(store)
    }

    /// Brings the schema up to [`SCHEMA_VERSION`], in one transaction (another process may be
    /// doing the same: the version is read again once this one holds the lock).
    fn migrate(&self) -> rusqlite::Result<()> {
        let c = &self.connection;
        // Both must be set before the first table: space is given back in steps, and several
        // processes can read and write at once.
        let empty: bool =
            c.query_row("SELECT count(*) = 0 FROM sqlite_schema", [], |r| r.get(0))?;
        if empty {
            c.execute_batch("PRAGMA auto_vacuum = INCREMENTAL")?;
        }
        let mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::InvalidQuery);
        }
        c.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            for step in MIGRATIONS.iter().skip(version.max(0) as usize) {
                c.execute_batch(step)?;
            }
            c.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        })();
        match result {
            Ok(()) => c.execute_batch("COMMIT"),
            Err(error) => {
                let _ = c.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }

    /// How long a write waits for another writer before it gives up, [`BUSY_TIMEOUT`] unless
    /// told.
    pub fn wait_at_most(&self, patience: Duration) {
        let _ = self.connection.busy_timeout(patience);
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Writes the rows in one transaction, with their hourly sums, and prunes what `limits`
    /// no longer keep.
    pub fn write(&mut self, rows: &[ProbeRow], limits: &Retention) -> Result<(), Trouble> {
        self.write_rows(rows, limits)
            .map_err(|e| trouble(&self.path, &e))
    }

    fn write_rows(&mut self, rows: &[ProbeRow], limits: &Retention) -> rusqlite::Result<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut insert = transaction.prepare_cached(INSERT_PROBE)?;
            let mut hour_of = transaction.prepare_cached(HOUR_LATENCIES)?;
            let mut sum = transaction.prepare_cached(ADD_TO_HOUR)?;
            // The hours are summed in memory first: one update per target and hour.
            let mut hours: BTreeMap<(&str, i64), ([i64; 4], Buckets)> = BTreeMap::new();
            for row in rows {
                let counts = row.elsewhere.map(|e| e.map(i64::from));
                insert.execute(params![
                    millis_of(row.at),
                    row.target,
                    row.url,
                    row.state.as_str(),
                    row.error_kind,
                    row.status,
                    row.latency.map(|l| l.as_secs_f64() * 1e3),
                    row.reason,
                    row.page,
                    counts.map(|c| c[0]),
                    counts.map(|c| c[1]),
                    counts.map(|c| c[2]),
                    counts.map(|c| c[3]),
                ])?;
                let hour = millis_of(row.at).div_euclid(HOUR_MS);
                let (states, latencies) = hours.entry((&row.target, hour)).or_default();
                states[super::state_index(row.state)] += 1;
                if let Some(latency) = row.latency {
                    latencies.add(latency);
                }
            }
            for ((target, hour), (states, mut latencies)) in hours {
                if let Some(blob) = hour_of
                    .query_row(params![target, hour], |r| r.get::<_, Option<Vec<u8>>>(0))
                    .optional()?
                    .flatten()
                {
                    latencies.add_bytes(&blob);
                }
                sum.execute(params![
                    target,
                    hour,
                    states[0],
                    states[1],
                    states[2],
                    states[3],
                    latencies.to_bytes()
                ])?;
            }
        }
        super::prune::prune(&transaction, limits, SystemTime::now())?;
        transaction.commit()?;
        super::prune::shrink(&self.connection, limits, &self.path)?;
        Ok(())
    }
}

impl Drop for Store {
    /// A writer's log past [`LOG_LEFT_BYTES`] is folded into the database and emptied, unless
    /// another program is using the database (it is not waited for): the log of runs that each
    /// open, write a row and close only grows, since each reads the log back as new.
    fn drop(&mut self) {
        if !self.writing {
            return;
        }
        let [log, _] = side_files(&self.path);
        if std::fs::metadata(log).is_ok_and(|m| m.len() > LOG_LEFT_BYTES) {
            let _ = self.connection.busy_timeout(Duration::ZERO);
            let _ = self
                .connection
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

/// One hour, in the milliseconds the rows are kept in.
pub const HOUR_MS: i64 = 3_600_000;

/// Milliseconds since 1970, UTC; before it, negative.
pub fn millis_of(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

pub fn time_of(millis: i64) -> SystemTime {
    match u64::try_from(millis) {
        Ok(after) => UNIX_EPOCH + Duration::from_millis(after),
        Err(_) => UNIX_EPOCH - Duration::from_millis(millis.unsigned_abs()),
    }
}

pub(super) fn shown(path: &Path) -> String {
    crate::text::sanitize::for_terminal(&path.display().to_string())
}

fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// What went wrong, in one line: SQLite's codes for the cases people meet.
pub fn trouble(path: &Path, error: &rusqlite::Error) -> Trouble {
    let path_words = shown(path);
    if let rusqlite::Error::SqliteFailure(e, _) = error {
        if e.extended_code == rusqlite::ffi::SQLITE_MISMATCH {
            return Trouble::Newer(path_words);
        }
    }
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Trouble::Locked(path_words),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            Trouble::ReadOnly(path_words)
        }
        Some(ErrorCode::DiskFull | ErrorCode::TooBig) => Trouble::Full(path_words),
        Some(ErrorCode::SystemIoFailure) => match error {
            // A write, or the growing of the log's index, refused: no room (or a file size
            // limit) is what refuses them.
            rusqlite::Error::SqliteFailure(e, _)
                if [
                    rusqlite::ffi::SQLITE_IOERR_WRITE,
                    rusqlite::ffi::SQLITE_IOERR_SHMSIZE,
                ]
                .contains(&e.extended_code) =>
            {
                Trouble::Full(path_words)
            }
            _ => Trouble::Other(path_words, error.to_string()),
        },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Trouble::Corrupt(path_words),
        _ => Trouble::Other(
            path_words,
            crate::text::sanitize::for_terminal(&error.to_string()),
        ),
    }
}

/// The file, if any, that stands where a folder of `folder`'s path should be.
fn file_in_the_way(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .find(|part| part.exists())
        .filter(|part| !part.is_dir())
        .map(Path::to_path_buf)
}

fn io_trouble(path: &Path, error: &std::io::Error) -> Trouble {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            Trouble::ReadOnly(shown(path))
        }
        std::io::ErrorKind::StorageFull => Trouble::Full(shown(path)),
        _ => Trouble::Other(shown(path), crate::text::words::io_error(error)),
    }
}

/// Moves a damaged database (and its write-ahead log) to `NAME.corrupt-TIMESTAMP` beside it,
/// never over a file already there: two damaged files met in the same millisecond are both kept.
fn put_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = crate::text::timestamp::rfc3339_millis(SystemTime::now()).replace(':', "");
    put_aside_as(path, &stamp)
}

fn put_aside_as(path: &Path, stamp: &str) -> std::io::Result<PathBuf> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    for attempt in 1..=100 {
        let kept = path.with_file_name(match attempt {
            1 => format!("{name}.corrupt-{stamp}"),
            n => format!("{name}.corrupt-{stamp}-{n}"),
        });
        // A hard link fails rather than replace a file; where there are none, a rename into a
        // name seen free.
        let moved = match std::fs::hard_link(path, &kept) {
            Ok(()) => std::fs::remove_file(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) if !kept.exists() => std::fs::rename(path, &kept),
            Err(e) => Err(e),
        };
        moved?;
        for (side, kept_side) in side_files(path).into_iter().zip(side_files(&kept)) {
            if side.exists() && !kept_side.exists() {
                let _ = std::fs::rename(&side, kept_side);
            }
        }
        return Ok(kept);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "every name beside it is taken",
    ))
}

/// SQLite's write-ahead log and its index, beside the database.
fn side_files(path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut side = path.as_os_str().to_os_string();
        side.push(suffix);
        PathBuf::from(side)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_file_put_aside_never_replaces_one_kept_before() {
        let dir = std::env::temp_dir().join(format!("isitdown-aside-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("h.sqlite3");
        let mut kept = Vec::new();
        for content in ["first", "second", "third"] {
            std::fs::write(&path, content).unwrap();
            std::fs::write(side_files(&path)[0].clone(), format!("{content} log")).unwrap();
            kept.push(put_aside_as(&path, "2026-12-07T061500.123Z").unwrap());
            assert!(!path.exists() && !side_files(&path)[0].exists());
        }
        let contents: Vec<String> = kept
            .iter()
            .map(|k| std::fs::read_to_string(k).unwrap())
            .collect();
        assert_eq!(contents, ["first", "second", "third"]);
        let logs: Vec<String> = kept
            .iter()
            .map(|k| std::fs::read_to_string(&side_files(k)[0]).unwrap())
            .collect();
        assert_eq!(logs, ["first log", "second log", "third log"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
