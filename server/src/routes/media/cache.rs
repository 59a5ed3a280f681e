//! Picture files kept in memory, so that a picture is read from the database or drawn once,
//! not once per request.
//!
//! Why a cache fits the data: the bytes behind an image key and a width never change (an
//! upload's files are written once; a demo picture is the same drawing of the same seed), so an
//! entry never goes stale. It can only go away: a picture removed by a moderator, deleted by its
//! owner or retired. Entries are therefore re-checked against the database (one indexed lookup,
//! no bytes) once they are [`RECHECK_AFTER`] old, and forgotten when the picture is gone: a
//! removed picture stops being served within that time on every instance, without the many
//! places that delete pictures (moderation, owners, account deletion, retirement) having to
//! reach every instance's memory. In that minute nobody new can ask for it: its key is shown
//! only to its owner and to voters it was revealed to, and no new reveal happens once it is
//! gone; those who have the key were sent the file already, marked cacheable for a year.
//!
//! Bounded: the entries' bytes never exceed the budget, and eviction is CLOCK (second chance):
//! entries queue in the order they came; a hit marks its entry, and the eviction hand passes a
//! marked entry once (clearing the mark) before taking it. A picture shown again and again
//! stays, one seen once leaves first, and a lookup costs one short lock, no list reshuffling.
//!
//! Loads are shared: while one request reads or draws a file, others asking for the same file
//! wait for that result instead of starting their own (the demo art costs tens of milliseconds
//! of a core). The load runs as a task of its own, so a client that hangs up does not waste it.

use app::server::uploads::formats::Format;
use axum::body::Bytes;
use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};
use tokio::sync::watch;

/// How long a cached file is served before the database is asked again whether its picture
/// still exists.
pub const RECHECK_AFTER: Duration = Duration::from_secs(60);

/// One file: an image key, a width and the format asked for (a picture stored before WebP was
/// has only its JPEG, which is then kept under both formats' ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId {
    pub key: String,
    pub width: u32,
    pub format: Format,
}

/// What a load found.
#[derive(Debug, Clone)]
pub enum Loaded {
    File(Bytes),
    /// No picture has this key (or it has no such file).
    Missing,
    /// The database or the drawing failed: nothing is known, nothing is cached.
    Unavailable,
}

/// A cached file, and whether it was checked recently enough to serve as it is.
#[derive(Debug)]
pub struct Hit {
    pub bytes: Bytes,
    pub needs_recheck: bool,
}

#[derive(Debug)]
struct Entry {
    bytes: Bytes,
    referenced: bool,
    checked_at: Instant,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<FileId, Entry>,
    /// The eviction order; may name ids already forgotten (skipped when reached).
    queue: VecDeque<FileId>,
    bytes: usize,
}

#[derive(Debug)]
pub struct PictureCache {
    budget: usize,
    entries: Mutex<Entries>,
    /// Loads in flight, at most one per file; each entry lives only while its load runs.
    loads: Mutex<HashMap<FileId, watch::Receiver<Option<Loaded>>>>,
}

impl PictureCache {
    /// A cache holding at most `budget` bytes of files (0: nothing is kept).
    pub fn new(budget: usize) -> Self {
        Self { budget, entries: Mutex::default(), loads: Mutex::default() }
    }

    fn entries(&self) -> MutexGuard<'_, Entries> {
        // Nothing panics while holding the lock, but a poisoned map is still a map.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, id: &FileId) -> Option<Hit> {
        let mut entries = self.entries();
        let entry = entries.map.get_mut(id)?;
        entry.referenced = true;
        Some(Hit {
            bytes: entry.bytes.clone(),
            needs_recheck: entry.checked_at.elapsed() > RECHECK_AFTER,
        })
    }

    /// The picture was found to exist still: serve the entry as it is for another while.
    pub fn checked(&self, id: &FileId) {
        if let Some(entry) = self.entries().map.get_mut(id) {
            entry.checked_at = Instant::now();
        }
    }

    pub fn forget(&self, id: &FileId) {
        let mut entries = self.entries();
        if let Some(entry) = entries.map.remove(id) {
            entries.bytes -= entry.bytes.len();
        }
    }

    /// Keeps `bytes` for `id`, evicting what the budget needs. A file larger than an eighth of
    /// the budget is not kept: one big file must not empty the cache.
    pub fn insert(&self, id: FileId, bytes: Bytes) {
        if bytes.len() > self.budget / 8 {
            return;
        }
        let mut entries = self.entries();
        let entries = &mut *entries;
        if let Some(old) = entries.map.remove(&id) {
            entries.bytes -= old.bytes.len();
        }
        while entries.bytes + bytes.len() > self.budget {
            let Some(oldest) = entries.queue.pop_front() else { break };
            match entries.map.get_mut(&oldest) {
                Some(entry) if entry.referenced => {
                    entry.referenced = false;
                    entries.queue.push_back(oldest);
                }
                Some(_) => {
                    if let Some(gone) = entries.map.remove(&oldest) {
                        entries.bytes -= gone.bytes.len();
                    }
                }
                None => {}
            }
        }
        // Forgotten ids left in the queue are dropped once they outnumber the entries.
        if entries.queue.len() > 2 * entries.map.len() + 64 {
            let map = &entries.map;
            entries.queue.retain(|queued| map.contains_key(queued));
        }
        entries.bytes += bytes.len();
        entries.queue.push_back(id.clone());
        entries.map.insert(id, Entry { bytes, referenced: false, checked_at: Instant::now() });
    }

    /// The cached file, or the result of `load`, run once however many ask at the same time.
    /// A found file is kept.
    pub async fn get_or_load<F, Fut>(self: &Arc<Self>, id: FileId, load: F) -> Loaded
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Loaded> + Send + 'static,
    {
        if let Some(hit) = self.get(&id) {
            return Loaded::File(hit.bytes);
        }
        let mut result = {
            let mut loads = self.loads.lock().unwrap_or_else(PoisonError::into_inner);
            match loads.get(&id) {
                Some(running) => running.clone(),
                None => {
                    let (send, receive) = watch::channel(None);
                    loads.insert(id.clone(), receive.clone());
                    let (cache, load) = (self.clone(), load());
                    tokio::spawn(async move {
                        let loaded = load.await;
                        if let Loaded::File(bytes) = &loaded {
                            cache.insert(id.clone(), bytes.clone());
                        }
                        cache.loads.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
                        send.send_replace(Some(loaded));
                    });
                    receive
                }
            }
        };
        // The sender is dropped without a value only if the load panicked.
        match result.wait_for(Option::is_some).await {
            Ok(loaded) => loaded.clone().unwrap_or(Loaded::Unavailable),
            Err(_) => Loaded::Unavailable,
        }
    }

    #[cfg(test)]
    fn held_bytes(&self) -> usize {
        self.entries().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn id(n: u32) -> FileId {
        FileId { key: format!("{n:032x}"), width: 640, format: Format::Jpeg }
    }

    fn file(size: usize) -> Bytes {
        Bytes::from(vec![7u8; size])
    }

    #[test]
    fn the_budget_is_never_exceeded_and_a_file_seen_again_outlives_one_seen_once() {
        let cache = PictureCache::new(800);
        for n in 0..8 {
            cache.insert(id(n), file(100));
        }
        assert_eq!(cache.held_bytes(), 800);
        assert!(cache.get(&id(0)).is_some(), "0 is seen again");
        cache.insert(id(8), file(100));
        assert!(cache.get(&id(0)).is_some(), "the hand passed over 0 once");
        assert!(cache.get(&id(1)).is_none(), "1 was the oldest not seen again");
        assert_eq!(cache.held_bytes(), 800);
        for n in 9..100 {
            cache.insert(id(n), file(100));
            assert!(cache.held_bytes() <= 800);
        }
    }

    #[test]
    fn a_file_too_big_for_its_share_is_not_kept_and_forgetting_frees_its_bytes() {
        let cache = PictureCache::new(800);
        cache.insert(id(1), file(101));
        assert!(cache.get(&id(1)).is_none());
        cache.insert(id(2), file(100));
        cache.insert(id(2), file(50));
        assert_eq!(cache.held_bytes(), 50, "replacing counts the new size only");
        cache.forget(&id(2));
        assert_eq!(cache.held_bytes(), 0);
        assert!(cache.get(&id(2)).is_none());
        let nothing = PictureCache::new(0);
        nothing.insert(id(3), file(1));
        assert!(nothing.get(&id(3)).is_none());
    }

    #[test]
    fn forgotten_ids_do_not_pile_up_in_the_queue() {
        let cache = PictureCache::new(1 << 20);
        for n in 0..10_000 {
            cache.insert(id(n), file(10));
            cache.forget(&id(n));
        }
        assert!(cache.entries().queue.len() <= 64 + 2, "{}", cache.entries().queue.len());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_asking_at_once_share_one_load_and_only_files_are_kept() {
        let cache = Arc::new(PictureCache::new(1 << 20));
        let loads = Arc::new(AtomicUsize::new(0));
        let asks: Vec<_> = (0..50)
            .map(|_| {
                let (cache, loads) = (cache.clone(), loads.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_load(id(1), || async move {
                            loads.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Loaded::File(file(10))
                        })
                        .await
                })
            })
            .collect();
        for ask in asks {
            assert!(matches!(ask.await.unwrap(), Loaded::File(bytes) if bytes.len() == 10));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert!(cache.loads.lock().unwrap().is_empty(), "no load outlives its work");
        let missing = cache.get_or_load(id(2), || async { Loaded::Missing }).await;
        assert!(matches!(missing, Loaded::Missing));
        assert!(cache.get(&id(2)).is_none(), "nothing is kept for a missing file");
    }

    #[tokio::test]
    async fn a_load_abandoned_by_its_asker_still_completes_and_is_kept() {
        let cache = Arc::new(PictureCache::new(1 << 20));
        let ask = tokio::spawn({
            let cache = cache.clone();
            async move {
                cache
                    .get_or_load(id(1), || async {
                        tokio::time::sleep(Duration::from_millis(30)).await;
                        Loaded::File(file(10))
                    })
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        ask.abort();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(cache.get(&id(1)).is_some());
    }
}
