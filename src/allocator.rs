//! The memory allocator: jemalloc, set for a process that may run a thousand threads at once.
//!
//! With the system allocator, a `--watch` of a thousand targets kept growing: under a thousand
//! threads allocating and freeing in turn its arenas fragment, and their footprint ratchets up
//! with every new peak (2 MB over a minute). jemalloc's size classes keep the footprint flat,
//! and tiny per-thread caches keep each thread's share of the churn to itself, so a peak of
//! the whole process is reached in the first seconds and not exceeded afterwards.
//!
//! Those tiny caches are the default, for the pool's many threads. The main thread, which
//! probes a single target on its own, gets roomy ones (see [`roomy_cache_for_this_thread`]).

use std::ffi::{c_char, c_void, CStr};

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read once when it starts (its `malloc_conf`):
/// - two arenas: allocation is a small part of a probe, and fewer arenas hold less memory;
/// - per-thread caches of one or two blocks of each size up to 4 KiB (a probe's buffers): the
///   default caches, of up to 200 blocks of each size up to 32 KiB, cost 100 MB more across a
///   thousand threads.
const OPTIONS: &std::ffi::CStr =
    c"narenas:2,tcache_max:4096,tcache_nslots_small_min:1,tcache_nslots_small_max:2,tcache_nslots_large:1";

/// The pointer jemalloc reads its options from.
struct Options(#[allow(dead_code)] *const c_char);

// SAFETY: the pointer is to a static string that nothing writes.
unsafe impl Sync for Options {}

/// jemalloc looks this symbol up by name (prefixed, as this build of it names its own).
#[no_mangle]
static _rjem_malloc_conf: Options = Options(OPTIONS.as_ptr());

/// Gives the calling thread a cache of up to 64 blocks of each size up to 4 KiB, and 8 of each
/// larger size up to 32 KiB. With one or two blocks of sizes up to 4 KiB only, nearly every
/// allocation of a probe took jemalloc's slow path, under a lock: 0.2 ms of a 3 ms probe. Full,
/// this one thread's cache would hold about 3 MB.
pub fn roomy_cache_for_this_thread() {
    // Failing leaves the tiny cache: slower, never wrong. So errors are not looked at.
    let mut largest: usize = 32 * 1024;
    let mut counts: *const c_char = c"0-4096:64|4097-32768:8".as_ptr();
    // SAFETY: each value is of the type the jemalloc manual gives for its name; jemalloc
    // reads them during the call and keeps no pointer to them.
    unsafe {
        write(c"thread.tcache.max", &mut largest);
        write(c"thread.tcache.ncached_max.write", &mut counts);
    }
}

/// Writes a value of jemalloc's through `mallctl`.
///
/// # Safety
/// `T` must be the type jemalloc expects for `name`.
unsafe fn write<T>(name: &CStr, value: &mut T) {
    tikv_jemalloc_sys::mallctl(
        name.as_ptr(),
        std::ptr::null_mut(),
        std::ptr::null_mut(),
        (value as *mut T).cast::<c_void>(),
        std::mem::size_of::<T>(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A size_t of this thread's through `mallctl`; `ask` goes with names that take a question.
    fn read(name: &CStr, ask: Option<usize>) -> usize {
        let mut answer: usize = 0;
        let mut length = std::mem::size_of::<usize>();
        let mut question = ask.unwrap_or_default();
        let (asked, asked_length) = match ask {
            Some(_) => ((&mut question as *mut usize).cast::<c_void>(), length),
            None => (std::ptr::null_mut(), 0),
        };
        // SAFETY: the values are size_t, as the manual gives for the names used here.
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                (&mut answer as *mut usize).cast::<c_void>(),
                &mut length,
                asked,
                asked_length,
            )
        };
        assert_eq!(status, 0, "mallctl {name:?}");
        answer
    }

    /// The largest size this thread caches, and how many blocks of 1 KiB and 16 KiB it keeps.
    fn cache() -> (usize, usize, usize) {
        let kept = |size| read(c"thread.tcache.ncached_max.read_sizeclass", Some(size));
        (
            read(c"thread.tcache.max", None),
            kept(1024),
            kept(16 * 1024),
        )
    }

    #[test]
    fn threads_cache_little_and_the_main_thread_much() {
        let (before, after) = std::thread::spawn(|| {
            let before = cache();
            roomy_cache_for_this_thread();
            (before, cache())
        })
        .join()
        .expect("the thread ends");
        assert_eq!(before, (4096, 2, 0));
        assert_eq!(after, (32768, 64, 8));
    }
}
