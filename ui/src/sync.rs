//! Locking the std mutexes that guard the server's shared values.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, and takes a poisoned one as it is.
///
/// Every value the server keeps behind a `std` mutex is replaced whole or changed in a
/// single step (a push, a counter), and the store's database connection writes in
/// transactions that commit or not. So a panic while one was held cannot leave it half
/// changed, and the server must keep serving after one.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
