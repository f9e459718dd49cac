//! How many threads a call that can work in parallel uses: the one default every surface shares
//! (Python's `threads=None`, C's `threads` 0), so that "use every core" means one thing.
//!
//! ```
//! use csops_core::threads::threads_for;
//! assert_eq!(threads_for(Some(3)), 3);
//! assert_eq!(threads_for(Some(0)), 1);
//! assert!(threads_for(None) >= 1);
//! ```

/// The threads a call asking for `requested` uses: that many (at least one), or, for `None`,
/// every core the machine offers it.
pub fn threads_for(requested: Option<usize>) -> usize {
    requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
}
