//! The walk's threads: layers are decompressed and parsed on worker threads, several at once
//! (one worker newest first, the others largest first, see [`Budget::claim`]), while the calling
//! thread delivers their entries to the visitors strictly layer by layer, newest first.
//!
//! Memory stays bounded however large or hostile the image: each layer has a bounded channel,
//! file content crosses it only when some visitor asked for it, and content bytes in flight are
//! capped by [`Budget`]. Unwanted content is never copied: the tar reader skips it inside its
//! read buffer.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use crossbeam_channel::{Receiver, Sender};
use seatbelt_types::Digest;

use super::layer_reader::{
    prefer_stream_error, LayerReader, RawEntry, Step, MAX_WARNINGS_PER_LAYER,
};
use super::memo::{self, LoggedEntry, LoggedStep, Memo, MemoFile, Recorder};
use super::tree::{Coverage, Upper};
use super::{ContentFilter, Entry, EntryKind, Interest, PathFilter, Version, Visitor, WalkReport};
use crate::{Image, ImageError, LayerSource};

/// Messages queued per layer. Entries are small (content travels behind a pointer, and is
/// budgeted separately), so this mostly decides how far a lower layer may run ahead.
const CHANNEL_CAPACITY: usize = 1024;
/// Content bytes that layers below the one being delivered may hold while they wait. The layer
/// being delivered has its own allowance (one in-memory file limit), so it can never be starved
/// by layers queued behind it. Large enough that the base layer, started first because it is
/// the biggest, can hold the programs it reads for the binary catalogers (28 MiB on the bench
/// image's Debian base) until its turn, instead of stalling; together with the 64 MiB head
/// allowance it keeps content under 100 MiB.
const PREFETCH_CONTENT_BYTES: u64 = 32 * 1024 * 1024;
/// Content a worker keeps so that a later hardlink in the same layer can be delivered with it.
const HARDLINK_CACHE_BYTES: u64 = 4 * 1024 * 1024;
/// How many layers below the one being delivered may be started. A layer started early but not
/// yet delivered holds up to [`CHANNEL_CAPACITY`] small messages (about 256 KiB) and its path
/// coverage, so this bounds that memory; it is larger than the worker count so that the
/// biggest layer within reach (typically the base layer, which comes last in newest-first
/// order) can start first instead of waiting for every layer above it.
const LOOKAHEAD_LAYERS: usize = 8;

enum Msg {
    Entry(Box<Delivery>),
    Warning(String),
    Done {
        coverage: Coverage,
        entries: u64,
        bytes: u64,
        dropped_warnings: u64,
        /// The layer came from its memo.
        replayed: bool,
    },
    Failed(ImageError),
}

struct Delivery {
    entry: Entry,
    interests: Box<[Interest]>,
    content: Option<Arc<Vec<u8>>>,
    complete: bool,
    charge: Option<(Pool, u64)>,
}

#[derive(Debug, Clone, Copy)]
enum Pool {
    Head,
    Prefetch,
}

/// Content bytes in flight, and which layers may start.
struct Budget {
    state: Mutex<BudgetState>,
    changed: Condvar,
    aborted: AtomicBool,
    head_cap: u64,
    window: usize,
    /// Each layer position's compressed size: the work it will take, roughly.
    sizes: Vec<u64>,
}

struct BudgetState {
    head: usize,
    head_bytes: u64,
    prefetch_bytes: u64,
    started: Vec<bool>,
}

impl Budget {
    fn lock(&self) -> MutexGuard<'_, BudgetState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, BudgetState>) -> MutexGuard<'a, BudgetState> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn aborted(&self) -> bool {
        self.aborted.load(Ordering::Relaxed)
    }

    /// Claims the next layer position to read, waiting until one within the window is free;
    /// `None` once every layer is claimed or the walk was abandoned.
    ///
    /// The in-order worker takes the lowest unclaimed position, so the layer being delivered
    /// is always claimed by someone whose progress is never blocked by delivery (its channel
    /// is drained and it has its own budget): no deadlock, whatever the others do. The other
    /// workers take the largest unclaimed layer in the window first (longest job first), so the
    /// walk's critical path is the largest layer, not the sum of the layers above it.
    fn claim(&self, in_order: bool) -> Option<usize> {
        let mut st = self.lock();
        loop {
            if self.aborted() {
                return None;
            }
            let lowest = st.started.iter().position(|s| !s)?;
            let end = st.head.saturating_add(self.window).min(st.started.len());
            let pick = if in_order {
                (lowest < end).then_some(lowest)
            } else {
                (lowest..end)
                    .filter(|&p| st.started.get(p) == Some(&false))
                    // Ties go to the lower position, which is delivered sooner.
                    .max_by_key(|&p| (self.sizes.get(p).copied().unwrap_or(0), Reverse(p)))
            };
            if let Some(slot) = pick.and_then(|p| st.started.get_mut(p).map(|s| (p, s))) {
                *slot.1 = true;
                return Some(slot.0);
            }
            st = self.wait(st);
        }
    }

    /// Reserves `n` content bytes for layer position `pos`; `None` if the walk was abandoned.
    fn acquire(&self, pos: usize, n: u64) -> Option<Pool> {
        let mut st = self.lock();
        loop {
            if self.aborted() {
                return None;
            }
            if pos == st.head {
                // The delivered layer may always hold one file, however large (it is capped by
                // the in-memory limit), or else it could never make progress.
                if st.head_bytes == 0 || st.head_bytes.saturating_add(n) <= self.head_cap {
                    st.head_bytes += n;
                    return Some(Pool::Head);
                }
            } else if st.prefetch_bytes.saturating_add(n) <= PREFETCH_CONTENT_BYTES {
                st.prefetch_bytes += n;
                return Some(Pool::Prefetch);
            }
            st = self.wait(st);
        }
    }

    fn release(&self, pool: Pool, n: u64) {
        let mut st = self.lock();
        match pool {
            Pool::Head => st.head_bytes = st.head_bytes.saturating_sub(n),
            Pool::Prefetch => st.prefetch_bytes = st.prefetch_bytes.saturating_sub(n),
        }
        drop(st);
        self.changed.notify_all();
    }

    fn set_head(&self, pos: usize) {
        self.lock().head = pos;
        self.changed.notify_all();
    }

    fn abort(&self) {
        self.aborted.store(true, Ordering::Relaxed);
        // Taking the lock orders the flag before any waiter's re-check.
        drop(self.lock());
        self.changed.notify_all();
    }
}

struct AbortOnDrop<'a>(&'a Budget);

impl Drop for AbortOnDrop<'_> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Shared<'a> {
    image: &'a Image,
    filters: Vec<PathFilter>,
    content_filters: Vec<Option<ContentFilter>>,
    content_limit: u64,
    memo: Option<&'a Memo>,
    budget: Budget,
    senders: Vec<Mutex<Option<Sender<Msg>>>>,
}

/// Runs the walk (see [`super::walk`]).
pub(super) fn run(
    image: &Image,
    visitors: &mut [&mut dyn Visitor],
    memo: Option<&Memo>,
) -> Result<WalkReport, ImageError> {
    let n = image.layers.len();
    if n == 0 {
        return Ok(WalkReport::default());
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(n);
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..n)
        .map(|_| {
            let (tx, rx) = crossbeam_channel::bounded(CHANNEL_CAPACITY);
            (Mutex::new(Some(tx)), rx)
        })
        .unzip();
    let shared = Shared {
        image,
        filters: visitors.iter().map(|v| v.filter()).collect(),
        content_filters: visitors.iter().map(|v| v.content_filter()).collect(),
        content_limit: image.limits.max_file_bytes_in_memory,
        memo,
        budget: Budget {
            state: Mutex::new(BudgetState {
                head: 0,
                head_bytes: 0,
                prefetch_bytes: 0,
                started: vec![false; n],
            }),
            changed: Condvar::new(),
            aborted: AtomicBool::new(false),
            head_cap: image.limits.max_file_bytes_in_memory.max(1),
            window: workers.max(LOOKAHEAD_LAYERS),
            sizes: (0..n)
                .map(|pos| match image.layers.get(n - 1 - pos) {
                    Some(LayerSource::Blob(desc)) => desc.size(),
                    _ => 0,
                })
                .collect(),
        },
        senders,
    };
    std::thread::scope(|scope| {
        for worker in 0..workers {
            let shared = &shared;
            scope.spawn(move || work(shared, worker == 0));
        }
        // However delivery ends (result, error or a visitor's panic), wake workers waiting for
        // budget or a start slot; with the receivers gone, a worker blocked on a full channel
        // fails its send and stops, so the scope can join them all.
        let _wake = AbortOnDrop(&shared.budget);
        deliver(&shared, receivers, visitors)
    })
}

fn work(shared: &Shared<'_>, in_order: bool) {
    loop {
        let Some(pos) = shared.budget.claim(in_order) else {
            return;
        };
        let Some(tx) = shared
            .senders
            .get(pos)
            .and_then(|s| s.lock().unwrap_or_else(PoisonError::into_inner).take())
        else {
            return;
        };
        let last = match read_layer(shared, pos, &tx) {
            Ok(done) => done,
            Err(e) => Msg::Failed(e),
        };
        // A failed send means the walk is over (an error elsewhere); nothing left to tell.
        let _ = tx.send(last);
    }
}

fn abandoned() -> ImageError {
    ImageError::malformed("the layer walk", "it was abandoned")
}

/// What one layer's worker tells the delivering thread, whether it reads the layer or replays
/// its memo: the coverage it builds, which entries the visitors want, and the warnings.
struct LayerPass<'s, 'a> {
    shared: &'s Shared<'a>,
    pos: usize,
    tx: &'s Sender<Msg>,
    layer_index: usize,
    layer_digest: Option<Digest>,
    coverage: Coverage,
    /// Nothing lies below the oldest layer, so what it covers is never asked.
    record: bool,
    interests: Vec<Interest>,
    warnings: usize,
    dropped_warnings: u64,
}

impl<'s, 'a> LayerPass<'s, 'a> {
    fn new(shared: &'s Shared<'a>, pos: usize, tx: &'s Sender<Msg>) -> Self {
        let image = shared.image;
        let layer_index = image.layers.len() - 1 - pos;
        let layer_digest = match image.layers.get(layer_index) {
            Some(LayerSource::Blob(desc)) => desc.digest().to_string().parse().ok(),
            _ => None,
        };
        LayerPass {
            shared,
            pos,
            tx,
            layer_index,
            layer_digest,
            coverage: Coverage::default(),
            record: pos + 1 < image.layers.len(),
            interests: vec![Interest::Skip; shared.filters.len()],
            warnings: 0,
            dropped_warnings: 0,
        }
    }

    /// How warnings name this layer (as [`LayerReader::what`] does for a blob layer).
    fn what(&self) -> String {
        let digest = self
            .layer_digest
            .as_ref()
            .map_or_else(String::new, Digest::to_string);
        format!(
            "layer {} ({digest}) of {}",
            self.layer_index, self.shared.image.reference
        )
    }

    fn send(&self, msg: Msg) -> Result<(), ImageError> {
        self.tx.send(msg).map_err(|_| abandoned())
    }

    /// Sends a warning, or counts it past the per-layer maximum; says whether it was sent.
    fn warn(&mut self, text: String) -> Result<bool, ImageError> {
        if self.warnings < MAX_WARNINGS_PER_LAYER {
            self.warnings += 1;
            self.send(Msg::Warning(text))?;
            Ok(true)
        } else {
            self.dropped_warnings += 1;
            Ok(false)
        }
    }

    fn whiteout(&mut self, path: &str) {
        if self.record {
            self.coverage.whiteout(path);
        }
    }

    fn opaque(&mut self, path: &str) {
        if self.record {
            self.coverage.opaque(path);
        }
    }

    /// Records an entry in the coverage and works out what the visitors want of it.
    fn interest(&mut self, path: &str, kind: EntryKind, mode: u32) -> Interest {
        if self.record {
            self.coverage.entry(path, kind);
        }
        let mut most = Interest::Skip;
        for ((slot, filter), content_filter) in self
            .interests
            .iter_mut()
            .zip(&self.shared.filters)
            .zip(&self.shared.content_filters)
        {
            *slot = filter(path, kind);
            if *slot == Interest::Content
                && content_filter
                    .as_ref()
                    .is_some_and(|wants| !wants(path, mode))
            {
                *slot = Interest::Metadata;
            }
            most = most.max(*slot);
        }
        most
    }

    fn deliver(
        &self,
        entry: Entry,
        content: Option<Arc<Vec<u8>>>,
        complete: bool,
        charge: Option<(Pool, u64)>,
    ) -> Result<(), ImageError> {
        self.send(Msg::Entry(Box::new(Delivery {
            entry,
            interests: self.interests.clone().into_boxed_slice(),
            content,
            complete,
            charge,
        })))
    }

    fn entry(&self, path: &str, kind: EntryKind, meta: &RawEntry) -> Entry {
        let is_link = matches!(kind, EntryKind::Symlink | EntryKind::Hardlink);
        Entry {
            path: path.to_string(),
            kind,
            mode: meta.mode,
            uid: meta.uid,
            gid: meta.gid,
            size: meta.size,
            mtime: meta.mtime,
            link_target: is_link.then(|| meta.link_target.clone()),
            layer_index: self.layer_index,
            layer_digest: self.layer_digest.clone(),
            version: Version::Final,
        }
    }

    /// The entry a memo recorded, as this layer of this image presents it.
    fn replayed(&self, e: LoggedEntry) -> Entry {
        Entry {
            path: e.path,
            kind: e.kind,
            mode: e.mode,
            uid: e.uid,
            gid: e.gid,
            size: e.size,
            mtime: e.mtime,
            link_target: e.link_target,
            layer_index: self.layer_index,
            layer_digest: self.layer_digest.clone(),
            version: Version::Final,
        }
    }

    fn done(self, entries: u64, bytes: u64, replayed: bool) -> Msg {
        Msg::Done {
            coverage: self.coverage,
            entries,
            bytes,
            dropped_warnings: self.dropped_warnings,
            replayed,
        }
    }
}

fn read_layer(shared: &Shared<'_>, pos: usize, tx: &Sender<Msg>) -> Result<Msg, ImageError> {
    let mut pass = LayerPass::new(shared, pos, tx);
    let content_limit = shared.content_limit;
    // Layers without a digest (a `dir:` root) are never remembered, but still summarised.
    let summarise = shared.memo.map(|m| &m.summarise);
    let memo = shared
        .memo
        .zip(pass.layer_digest.clone())
        .map(|(memo, digest)| (memo, memo::name(&memo.key, &digest, content_limit), digest));
    if let Some((memo, name, digest)) = &memo {
        let limits = &shared.image.limits;
        let file = memo
            .store
            .load(name)
            .and_then(|bytes| memo::decode(&bytes, &memo.key, digest, limits));
        if let Some(file) = file {
            return replay(pass, file);
        }
    }
    let mut recorder = memo
        .as_ref()
        .filter(|(memo, ..)| memo.store.keeps())
        .map(|_| Recorder::default());
    let recording = recorder.is_some();
    let mut log = |step: LoggedStep| {
        if let Some(r) = recorder.as_mut() {
            r.push(step);
        }
    };
    let mut reader = LayerReader::open(shared.image, pass.layer_index)?;
    let mut cache: HashMap<String, Arc<Vec<u8>>> = HashMap::new();
    let mut cache_bytes = 0u64;
    loop {
        if shared.budget.aborted() {
            return Err(abandoned());
        }
        let step = match reader.next() {
            Ok(Some(step)) => step,
            Ok(None) => break,
            Err(e) => return Err(prefer_stream_error(reader, e)),
        };
        let kind = match step {
            Step::Skipped(why) => {
                if pass.warn(format!("{}: {why}", reader.what()))? {
                    log(LoggedStep::Warning(why));
                }
                continue;
            }
            Step::Whiteout => {
                pass.whiteout(&reader.current().path);
                log(LoggedStep::Whiteout(reader.current().path.clone()));
                continue;
            }
            Step::Opaque => {
                pass.opaque(&reader.current().path);
                log(LoggedStep::Opaque(reader.current().path.clone()));
                continue;
            }
            Step::Entry => match reader.current().kind {
                Some(kind) => kind,
                None => continue,
            },
        };
        let cur = reader.current();
        let most = pass.interest(&cur.path, kind, cur.mode);
        if most == Interest::Skip {
            if recording {
                log(logged(pass.entry(&cur.path, kind, cur), None, false));
            }
            continue;
        }
        let mut content = None;
        let mut complete = false;
        let mut charge = None;
        if most == Interest::Content {
            match kind {
                EntryKind::File if cur.sparse => {
                    let why = format!("content of `{}` not read: it is a sparse file", cur.path);
                    if pass.warn(format!("{}: {why}", reader.what()))? {
                        log(LoggedStep::Warning(why));
                    }
                }
                EntryKind::File => {
                    let size = cur.size;
                    let n = size.min(content_limit);
                    let pool = if n > 0 {
                        Some(shared.budget.acquire(pos, n).ok_or_else(abandoned)?)
                    } else {
                        None
                    };
                    let mut buf = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
                    let read = reader.read_content(n, |chunk| {
                        buf.extend_from_slice(chunk);
                        Ok::<(), ImageError>(())
                    });
                    match read {
                        Ok(_) => {
                            complete = buf.len() as u64 == size;
                            let cur = reader.current();
                            // A memoised walk hands visitors the summary, read or replayed.
                            if let Some(summarise) = summarise {
                                buf = summarise(&cur.path, cur.mode, &buf, complete);
                            }
                            let buf = Arc::new(buf);
                            let len = buf.len() as u64;
                            if complete && cache_bytes + len <= HARDLINK_CACHE_BYTES {
                                cache_bytes += len;
                                cache.insert(cur.path.clone(), Arc::clone(&buf));
                            }
                            content = Some(buf);
                            charge = pool.map(|p| (p, n));
                        }
                        // Only a `dir:` root filesystem reports `Io`: an unreadable file there
                        // (say `/etc/shadow` as a normal user) is noted, not fatal.
                        Err(e @ ImageError::Io { .. }) => {
                            if let Some(p) = pool {
                                shared.budget.release(p, n);
                            }
                            if pass.warn(format!("{}: {e}", reader.what()))? {
                                log(LoggedStep::Warning(e.to_string()));
                            }
                        }
                        Err(e) => return Err(prefer_stream_error(reader, e)),
                    }
                }
                EntryKind::Hardlink => {
                    if let Some(target) = cache.get(cur.link_target.as_str()) {
                        content = Some(Arc::clone(target));
                        complete = true;
                    }
                }
                _ => {}
            }
        }
        let cur = reader.current();
        let entry = pass.entry(&cur.path, kind, cur);
        if recording {
            let summary = content.as_ref().map(|c| c.as_slice().to_vec());
            log(logged(entry.clone(), summary, complete));
        }
        pass.deliver(entry, content, complete, charge)?;
    }
    if shared.budget.aborted() {
        return Err(abandoned());
    }
    let entries = reader.entries();
    let bytes = reader.finish()?;
    // Saved only now that the whole layer was read and its digest verified.
    if let (Some((memo, name, digest)), Some(recorder)) = (&memo, recorder) {
        let counts = (entries, bytes, pass.dropped_warnings);
        if let Some(file) = recorder.finish(&memo.key, digest, content_limit, counts) {
            memo.store.save(name, &file);
        }
    }
    Ok(pass.done(entries, bytes, false))
}

fn logged(entry: Entry, summary: Option<Vec<u8>>, complete: bool) -> LoggedStep {
    LoggedStep::Entry(LoggedEntry {
        path: entry.path,
        kind: entry.kind,
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        size: entry.size,
        mtime: entry.mtime,
        link_target: entry.link_target,
        summary,
        complete,
    })
}

/// Plays a layer's memo through the same pass a read would take.
fn replay(mut pass: LayerPass<'_, '_>, file: MemoFile) -> Result<Msg, ImageError> {
    let shared = pass.shared;
    for step in file.steps {
        if shared.budget.aborted() {
            return Err(abandoned());
        }
        match step {
            LoggedStep::Warning(why) => {
                pass.warn(format!("{}: {why}", pass.what()))?;
            }
            LoggedStep::Whiteout(path) => pass.whiteout(&path),
            LoggedStep::Opaque(path) => pass.opaque(&path),
            LoggedStep::Entry(mut e) => {
                let most = pass.interest(&e.path, e.kind, e.mode);
                if most == Interest::Skip {
                    continue;
                }
                let content = e
                    .summary
                    .take()
                    .filter(|_| most == Interest::Content)
                    .map(Arc::new);
                let n = content.as_ref().map_or(0, |c| c.len() as u64);
                let charge = if n > 0 {
                    Some((shared.budget.acquire(pass.pos, n).ok_or_else(abandoned)?, n))
                } else {
                    None
                };
                let complete = e.complete && content.is_some();
                let entry = pass.replayed(e);
                pass.deliver(entry, content, complete, charge)?;
            }
        }
    }
    pass.dropped_warnings += file.header.dropped_warnings;
    Ok(pass.done(file.header.entries, file.header.bytes, true))
}

fn deliver(
    shared: &Shared<'_>,
    receivers: Vec<Receiver<Msg>>,
    visitors: &mut [&mut dyn Visitor],
) -> Result<WalkReport, ImageError> {
    let n = receivers.len();
    let history: Vec<bool> = visitors.iter().map(|v| v.wants_history()).collect();
    let mut upper = Upper::default();
    let mut report = WalkReport {
        layers: n,
        ..WalkReport::default()
    };
    for (pos, rx) in receivers.into_iter().enumerate() {
        shared.budget.set_head(pos);
        let layer_index = n - 1 - pos;
        loop {
            let msg = rx.recv().map_err(|_| {
                ImageError::malformed(
                    format!("layer {layer_index} of {}", shared.image.reference),
                    "its reader stopped without a result",
                )
            })?;
            match msg {
                Msg::Entry(mut delivery) => {
                    delivery.entry.version = upper.classify(&delivery.entry.path);
                    let offered = offer(&delivery, &history, visitors);
                    // Released only once the visitors are done with the content and it is freed.
                    let charge = delivery.charge.take();
                    drop(delivery);
                    if let Some((pool, bytes)) = charge {
                        shared.budget.release(pool, bytes);
                    }
                    offered?;
                }
                Msg::Warning(text) => report.warnings.push(text),
                Msg::Done {
                    coverage,
                    entries,
                    bytes,
                    dropped_warnings,
                    replayed,
                } => {
                    report.replayed_layers += usize::from(replayed);
                    if dropped_warnings > 0 {
                        report.warnings.push(format!(
                            "layer {layer_index} of {}: {dropped_warnings} more entries skipped",
                            shared.image.reference
                        ));
                    }
                    report.entries = report.entries.saturating_add(entries);
                    report.bytes = report.bytes.saturating_add(bytes);
                    if pos + 1 < n {
                        upper.merge(layer_index, &coverage);
                    }
                    break;
                }
                Msg::Failed(e) => return Err(e),
            }
        }
    }
    Ok(report)
}

fn offer(
    delivery: &Delivery,
    history: &[bool],
    visitors: &mut [&mut dyn Visitor],
) -> Result<(), ImageError> {
    let entry = &delivery.entry;
    for ((visitor, &interest), &wants_history) in visitors
        .iter_mut()
        .zip(delivery.interests.iter())
        .zip(history)
    {
        if interest == Interest::Skip || (entry.version != Version::Final && !wants_history) {
            continue;
        }
        let content = match (interest, &delivery.content) {
            (Interest::Content, Some(c)) => Some(c.as_slice()),
            _ => None,
        };
        visitor.visit(entry, content, content.is_some() && delivery.complete)?;
    }
    Ok(())
}
