//! The memory allocator: jemalloc, set for a process that may run a thousand threads at once.
//!
//! With the system allocator, a `--watch` of a thousand targets kept growing: under a thousand
//! threads allocating and freeing in turn its arenas fragment, and their footprint ratchets up
//! with every new peak (2 MB over a minute). jemalloc's size classes keep the footprint flat,
//! and tiny per-thread caches keep each thread's share of the churn to itself, so a peak of
//! the whole process is reached in the first seconds and not exceeded afterwards. Its start
//! costs about 0.35 ms more than glibc's malloc: the README's Speed section has the figures.

use std::ffi::c_char;

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
