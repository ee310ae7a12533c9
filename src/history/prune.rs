//! Keeping the file bounded, on every write: rows older than `keep` go, and past `max_mb` the
//! oldest go too, in slices, until it fits; the space freed is given back to the disk a little
//! at a time (incremental vacuum), never by rewriting the whole file.

use std::time::SystemTime;

use rusqlite::{params, Connection};

use super::store::{millis_of, HOUR_MS};
use super::Retention;

/// The share of the rows dropped at a time when the file is over its cap.
const SLICE_PERCENT: i64 = 10;
/// Pages given back to the disk per write at most, so that no write is slow for it.
const PAGES_PER_SHRINK: i64 = 2048;

const OLDEST: &str = "SELECT at_ms FROM probes ORDER BY id LIMIT 1";
const PAGE_COUNT: &str = "PRAGMA page_count";
const FREE_PAGES: &str = "PRAGMA freelist_count";
const PAGE_SIZE: &str = "PRAGMA page_size";

/// Deletes what the limits no longer keep; runs inside the write's transaction.
pub fn prune(c: &Connection, limits: &Retention, now: SystemTime) -> rusqlite::Result<()> {
    let cutoff = millis_of(now) - i64::try_from(limits.keep.as_millis()).unwrap_or(i64::MAX);
    // Rows come in time order, near enough: the first row says whether any are too old.
    let oldest: Option<i64> = c.prepare_cached(OLDEST)?.query_row([], |r| r.get(0)).ok();
    if oldest.is_some_and(|at| at < cutoff) {
        c.prepare_cached(
            "DELETE FROM probes WHERE id < coalesce(
                 (SELECT id FROM probes WHERE at_ms >= ?1 ORDER BY id LIMIT 1),
                 (SELECT max(id) + 1 FROM probes))",
        )?
        .execute(params![cutoff])?;
        c.prepare_cached("DELETE FROM hours WHERE hour < ?1")?
            .execute(params![cutoff.div_euclid(HOUR_MS)])?;
    }
    while used_bytes(c)? > limits.max_bytes {
        let rows: i64 = c.query_row("SELECT count(*) FROM probes", [], |r| r.get(0))?;
        if rows == 0 {
            break;
        }
        let slice = (rows * SLICE_PERCENT / 100).max(1);
        let last_dropped: i64 = c.query_row(
            "SELECT id FROM probes ORDER BY id LIMIT 1 OFFSET ?1",
            params![slice - 1],
            |r| r.get(0),
        )?;
        let last_at: i64 = c.query_row(
            "SELECT at_ms FROM probes WHERE id = ?1",
            params![last_dropped],
            |r| r.get(0),
        )?;
        c.execute("DELETE FROM probes WHERE id <= ?1", params![last_dropped])?;
        c.execute(
            "DELETE FROM hours WHERE hour < ?1",
            params![last_at.div_euclid(HOUR_MS)],
        )?;
    }
    Ok(())
}

/// The bytes the database's pages hold, free pages left out: what it will take once shrunk.
fn used_bytes(c: &Connection) -> rusqlite::Result<u64> {
    let (pages, free, size) = (
        number(c, PAGE_COUNT)?,
        number(c, FREE_PAGES)?,
        number(c, PAGE_SIZE)?,
    );
    Ok(u64::try_from((pages - free).max(0) * size).unwrap_or(0))
}

/// Gives some free pages back to the disk, after the write's transaction; past the cap, the
/// file itself is cut to the pages in use.
pub fn shrink(c: &Connection, limits: &Retention, path: &std::path::Path) -> rusqlite::Result<()> {
    let (free, size) = (number(c, FREE_PAGES)?, number(c, PAGE_SIZE)?);
    // A few free pages are kept for the next writes; many, or any beyond the cap, go.
    let over_cap = { u64::try_from(number(c, PAGE_COUNT)? * size).unwrap_or(0) > limits.max_bytes };
    if free > 0 && (over_cap || free > PAGES_PER_SHRINK) {
        // Each step of the pragma frees one page: it is run to its end.
        let mut vacuum = c.prepare(&format!("PRAGMA incremental_vacuum({PAGES_PER_SHRINK})"))?;
        let mut steps = vacuum.query([])?;
        while steps.next()?.is_some() {}
    }
    // The log holds the pages moved; folding it in cuts the file to them.
    let file_bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    if file_bytes > limits.max_bytes {
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// The one number a statement answers.
fn number(c: &Connection, sql: &str) -> rusqlite::Result<i64> {
    c.prepare_cached(sql)?.query_row([], |r| r.get(0))
}
