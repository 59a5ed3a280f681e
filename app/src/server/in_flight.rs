//! Counting what each client has in flight, to refuse more than a few at once.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Mutex, PoisonError},
};

/// How many requests of one kind each key (a voter, an account) has in flight, up to `limit`.
/// An entry lives only while its requests do, so the map holds at most one entry per request
/// in flight: it cannot grow without bound.
#[derive(Debug)]
pub struct InFlight<K> {
    limit: usize,
    counts: Mutex<HashMap<K, usize>>,
}

impl<K: Hash + Eq + Copy> InFlight<K> {
    pub fn new(limit: usize) -> Self {
        Self { limit: limit.max(1), counts: Mutex::default() }
    }

    /// A place for `key`, or `None` when it already has `limit` in flight. The place is given
    /// back when the guard is dropped: when the request ends, however it ends.
    pub fn enter(&self, key: K) -> Option<InFlightGuard<'_, K>> {
        // Nothing panics while holding the lock, but a poisoned map is still a map.
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(key).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(InFlightGuard { owner: self, key })
    }

    fn leave(&self, key: K) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&key);
            }
        }
    }
}

/// One request's place; see [`InFlight::enter`].
#[derive(Debug)]
pub struct InFlightGuard<'a, K: Hash + Eq + Copy> {
    owner: &'a InFlight<K>,
    key: K,
}

impl<K: Hash + Eq + Copy> Drop for InFlightGuard<'_, K> {
    fn drop(&mut self) {
        self.owner.leave(self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_gets_its_limit_and_places_come_back() {
        let in_flight = InFlight::new(2);
        let a1 = in_flight.enter('a');
        let a2 = in_flight.enter('a');
        assert!(a1.is_some() && a2.is_some());
        assert!(in_flight.enter('a').is_none());
        assert!(in_flight.enter('b').is_some());
        drop(a1);
        assert!(in_flight.enter('a').is_some());
        drop(a2);
        assert!(in_flight.counts.lock().unwrap().is_empty(), "no entry outlives its requests");
    }
}
