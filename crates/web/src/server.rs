//! Serving connections: HTTP/1.1 (hyper) with the limits at the door that
//! belong to connections ([`ConnLimits`]).
//!
//! - **Header timeout.** A request's head must arrive whole within the
//!   header timeout, counted from the moment the connection waits for it
//!   (when it opens, or when the previous response is sent): a client that
//!   sends a header line now and then is disconnected.
//! - **Keep-alive timeout.** A connection on which no byte of a new request
//!   arrives within the keep-alive timeout after its last response (or after
//!   it opened) is closed (within a quarter of the timeout more). The header
//!   timeout bounds this too.
//! - **Open connections.** At most `max_connections` at once, all workers
//!   together (by default a little under the open-file limit). When the
//!   limit is reached (one log line, and no other until the count has
//!   fallen to half the limit), the connections idle the longest (waiting
//!   for a request, or still sending their heads) are closed to make room,
//!   a few at a time (a 16th of the limit); while every connection is busy,
//!   new ones wait in the listen queue.
//!
//! - **Stopping.** When asked to stop ([`serve`]'s `stop`), the server
//!   stops accepting: the connections the kernel has accepted already (in
//!   the listen queue) are taken and served, then the listening socket is
//!   closed, so new connections are refused (a load balancer tries another
//!   instance). Every request under way is answered (with `Connection:
//!   close`); an idle connection is closed; a connection that has not sent
//!   its first request yet is given the header timeout to send it. After
//!   [`ConnLimits::drain`] whatever is left is cut off.
//!
//! The request limits (body size and time, rate limits) are [`crate::limits`]'.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt as _;

/// A connection idle for less than this is not closed to make room (its
/// last response may still be on its way out, or its request on its way
/// in). Short: a crowd of connections that opened at once and sent nothing
/// more (1,100 of them in 50 ms, here) keeps a new client waiting this long.
const EVICT_AFTER: Duration = Duration::from_millis(25);

/// How often a stopping connection looks whether its request has come.
const STOP_POLL: Duration = Duration::from_millis(20);

/// Connection limits (defaults: [`ConnLimits::default`]).
#[derive(Clone, Debug)]
pub struct ConnLimits {
    /// The longest a request's head may take to arrive.
    pub header_timeout: Duration,
    /// The longest a connection may wait for its next request.
    pub keep_alive: Duration,
    /// The most connections open at once.
    pub max_connections: usize,
    /// The longest a stopping server waits for the requests under way.
    pub drain: Duration,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            header_timeout: Duration::from_secs(10),
            keep_alive: Duration::from_secs(5),
            max_connections: default_max_connections(),
            drain: Duration::from_secs(30),
        }
    }
}

/// A little under the soft limit on open files (128 are left for the
/// database, logs and listeners), at most 4,096, at least 16. The limit is
/// read from /proc/self/limits; elsewhere it is taken to be 1,024.
pub fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
            let soft = line.trim_start_matches("Max open files").split_whitespace().next()?;
            Some(if soft == "unlimited" { usize::MAX } else { soft.parse().ok()? })
        })
        .unwrap_or(1024);
    soft.saturating_sub(128).clamp(16, 4096)
}

/// One open connection, as the limits see it.
struct Slot {
    /// Requests being answered (0 or 1 in HTTP/1.1).
    in_flight: AtomicU32,
    /// When it last became idle (milliseconds since the server started).
    idle_since: AtomicU64,
    /// Bytes of a next request arrived since it became idle.
    reading: AtomicBool,
    /// The client is not reading what is written to it.
    write_blocked: AtomicBool,
    /// Asked to close to make room.
    evict: AtomicBool,
    /// A request has begun on it.
    served: AtomicBool,
    /// Rung when it is asked to close.
    wake: Notify,
}

impl Slot {
    fn idle_since(&self) -> Option<u64> {
        (self.in_flight.load(Ordering::Acquire) == 0).then(|| self.idle_since.load(Ordering::Acquire))
    }
}

/// The open connections of every worker, and their limits.
pub struct Connections {
    limits: ConnLimits,
    permits: Arc<Semaphore>,
    slots: Mutex<HashMap<u64, Arc<Slot>>>,
    next_id: AtomicU64,
    started: Instant,
    /// The limit was reached and not yet left well behind.
    full: AtomicBool,
    /// Connections closed to make room since then.
    evicted: AtomicU64,
    /// When an accept error was last logged (ms), not to log one per attempt.
    accept_error_logged: AtomicU64,
    http: hyper::server::conn::http1::Builder,
}

impl Connections {
    /// No connections yet, and these limits for them.
    pub fn new(limits: ConnLimits) -> Arc<Connections> {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
        Arc::new(Connections {
            permits: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            limits,
            slots: Mutex::default(),
            next_id: AtomicU64::new(0),
            started: Instant::now(),
            full: AtomicBool::new(false),
            evicted: AtomicU64::new(0),
            accept_error_logged: AtomicU64::new(0),
            http,
        })
    }

    /// The limits.
    pub fn limits(&self) -> &ConnLimits {
        &self.limits
    }

    /// How many connections are open now.
    pub fn open(&self) -> usize {
        self.limits.max_connections.max(1) - self.permits.available_permits()
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn register(self: &Arc<Self>) -> Registered {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let now = self.now_ms();
        let slot = Arc::new(Slot {
            in_flight: AtomicU32::new(0),
            idle_since: AtomicU64::new(now),
            reading: AtomicBool::new(false),
            write_blocked: AtomicBool::new(false),
            evict: AtomicBool::new(false),
            served: AtomicBool::new(false),
            wake: Notify::new(),
        });
        self.slots.lock().unwrap_or_else(PoisonError::into_inner).insert(id, slot.clone());
        Registered { conns: self.clone(), id, slot }
    }

    /// The limit is reached: says so once, and asks the connections idle
    /// the longest to close: those idle for [`EVICT_AFTER`] at least, a
    /// 16th of the limit at once (one when it is under 32), so that a
    /// crowd of new connections is let in in a few rounds rather than one
    /// connection a round. Returns how long to wait before asking again:
    /// until the next connection has been idle long enough (at most
    /// [`EVICT_AFTER`]).
    fn make_room(&self) -> Duration {
        if !self.full.swap(true, Ordering::AcqRel) {
            self.evicted.store(0, Ordering::Relaxed);
            tracing::warn!(
                max = self.limits.max_connections,
                "connection limit reached: the connections idle the longest are closed to make room, \
                 and new ones wait while every connection is busy (--max-connections)"
            );
        }
        let now = self.now_ms();
        let after = EVICT_AFTER.as_millis() as u64;
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let mut idle: Vec<(u64, &Arc<Slot>)> = slots
            .values()
            .filter(|s| !s.evict.load(Ordering::Acquire) && !s.write_blocked.load(Ordering::Acquire))
            .filter_map(|s| Some((s.idle_since()?, s)))
            .collect();
        let batch = (self.limits.max_connections / 16).max(1);
        let ready = idle.iter().filter(|(since, _)| now.saturating_sub(*since) >= after).count();
        if ready > batch {
            idle.select_nth_unstable_by_key(batch, |(since, _)| *since);
        } else {
            idle.sort_unstable_by_key(|(since, _)| *since);
        }
        let chosen = ready.min(batch);
        for (_, slot) in &idle[..chosen] {
            slot.evict.store(true, Ordering::Release);
            slot.wake.notify_one();
        }
        self.evicted.fetch_add(chosen as u64, Ordering::Relaxed);
        match idle.get(chosen) {
            // None ready: wait for the one idle the longest.
            Some((since, _)) if chosen == 0 => {
                Duration::from_millis((since + after).saturating_sub(now).clamp(1, after))
            }
            _ => EVICT_AFTER,
        }
    }

    fn closed(&self) {
        let open = self.open();
        if self.full.load(Ordering::Acquire)
            && open <= self.limits.max_connections / 2
            && self.full.swap(false, Ordering::AcqRel)
        {
            tracing::info!(
                open,
                closed_to_make_room = self.evicted.load(Ordering::Relaxed),
                "connections down to half the limit again"
            );
        }
    }
}

/// A connection's place in [`Connections`], given back when it closes.
struct Registered {
    conns: Arc<Connections>,
    id: u64,
    slot: Arc<Slot>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.conns.slots.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}

/// Serves `app` on `listener` until `stop` turns true, then stops (module
/// doc): the connections already queued are served, new ones refused, and
/// the requests under way answered, for at most [`ConnLimits::drain`].
pub async fn serve(listener: TcpListener, app: Router, conns: Arc<Connections>, mut stop: watch::Receiver<bool>) {
    // Every connection task holds a receiver: all are gone when `closed` returns.
    let (alive_tx, alive_rx) = watch::channel(());
    let told = stop.clone();
    let start = |tcp: TcpStream, peer: SocketAddr, permit: Option<OwnedSemaphorePermit>| {
        let _ = tcp.set_nodelay(true);
        let task = Connection { conns: conns.clone(), app: app.clone(), stop: told.clone(), _alive: alive_rx.clone() };
        tokio::spawn(task.run(tcp, peer, permit));
    };
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => break,
        };
        let (tcp, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                if !matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::Interrupted
                ) {
                    accept_failed(&conns, &e);
                    // Out of file descriptors, most likely: give the others time to close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        let permit = loop {
            if let Ok(permit) = conns.permits.clone().try_acquire_owned() {
                break Some(permit);
            }
            // Ask again while waiting: connections become idle long enough.
            let again = conns.make_room();
            tokio::select! {
                permit = conns.permits.clone().acquire_owned() => break permit.ok(),
                _ = tokio::time::sleep(again) => {}
                // Stopping: this one is served all the same (below).
                _ = stop.wait_for(|s| *s) => break None,
            }
        };
        let stopping = permit.is_none();
        start(tcp, peer, permit);
        if stopping {
            break;
        }
    }
    // The connections the kernel accepted already would be reset when the
    // socket closes: they are taken and served (without waiting for room).
    let mut queued = 0;
    while let Poll::Ready(accepted) = std::future::poll_fn(|cx| Poll::Ready(listener.poll_accept(cx))).await {
        match accepted {
            Ok((tcp, peer)) => {
                queued += 1;
                start(tcp, peer, conns.permits.clone().try_acquire_owned().ok());
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(_) => continue,
        }
    }
    drop(listener);
    drop(alive_rx);
    let open = conns.open();
    tracing::debug!(queued, open, "stopped accepting: new connections are refused");
    let drain = conns.limits.drain;
    if tokio::time::timeout(drain, alive_tx.closed()).await.is_err() {
        tracing::warn!(
            open = conns.open(),
            "requests still under way after {:?} (--shutdown-timeout): stopping anyway",
            drain
        );
    }
}

fn accept_failed(conns: &Connections, e: &io::Error) {
    let now = conns.now_ms();
    let last = conns.accept_error_logged.load(Ordering::Relaxed);
    if (last == 0 || now.saturating_sub(last) >= 10_000)
        && conns.accept_error_logged.compare_exchange(last, now.max(1), Ordering::AcqRel, Ordering::Relaxed).is_ok()
    {
        tracing::error!(error = %e, open = conns.open(), "cannot accept connections (logged once in ten seconds)");
    }
}

struct Connection {
    conns: Arc<Connections>,
    app: Router,
    stop: watch::Receiver<bool>,
    _alive: watch::Receiver<()>,
}

impl Connection {
    async fn run(mut self, tcp: TcpStream, peer: SocketAddr, permit: Option<OwnedSemaphorePermit>) {
        let registered = self.conns.register();
        let slot = registered.slot.clone();
        let io = TokioIo::new(Tracked { inner: tcp, slot: slot.clone() });
        let service = ConnService { app: self.app.clone(), peer, slot: slot.clone(), conns: self.conns.clone() };
        let mut conn = Box::pin(self.conns.http.serve_connection(io, service));
        let keep_alive = self.conns.limits.keep_alive;
        let timer = tokio::time::sleep(keep_alive);
        tokio::pin!(timer);
        // Since when the server is stopping, and whether hyper was told to
        // close after the request under way.
        let mut stopping: Option<Instant> = None;
        let mut closing = false;
        loop {
            if let Some(since) = stopping.filter(|_| !closing) {
                let busy = slot.in_flight.load(Ordering::Acquire) > 0;
                let reading = slot.reading.load(Ordering::Acquire);
                if busy {
                    // Answered, then closed.
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                } else if !reading
                    && (slot.served.load(Ordering::Acquire) || since.elapsed() >= self.conns.limits.header_timeout)
                {
                    // Idle after a response, or no first request in time.
                    break;
                }
                // Otherwise a request is arriving (or the first may still
                // come): look again shortly.
            }
            // Idle: the keep-alive deadline. Busy, or receiving a request's
            // head (the header timeout's business): look again a quarter of
            // the keep-alive timeout later. (Nothing is done per request: a
            // busy connection costs a timer now and then.)
            let now = self.conns.now_ms();
            let deadline = match slot.idle_since() {
                _ if stopping.is_some() && !closing => STOP_POLL,
                Some(since) if !slot.reading.load(Ordering::Acquire) => {
                    Duration::from_millis((since + keep_alive.as_millis() as u64).saturating_sub(now))
                }
                _ => keep_alive / 4,
            };
            timer.as_mut().reset(tokio::time::Instant::now() + deadline);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, error = %e, "connection ended");
                    }
                    break;
                }
                _ = slot.wake.notified() => {
                    if slot.evict.load(Ordering::Acquire) {
                        tracing::debug!(%peer, "idle connection closed to make room");
                        break;
                    }
                }
                _ = &mut timer => {
                    let now = self.conns.now_ms();
                    let idle = slot.idle_since().filter(|since| {
                        !slot.reading.load(Ordering::Acquire)
                            && now.saturating_sub(*since) >= keep_alive.as_millis() as u64
                    });
                    if idle.is_some() {
                        tracing::debug!(%peer, "idle connection closed (keep-alive timeout)");
                        break;
                    }
                }
                _ = self.stop.wait_for(|s| *s), if stopping.is_none() => {
                    stopping = Some(Instant::now());
                }
            }
        }
        drop(conn);
        drop(registered);
        drop(permit);
        self.conns.closed();
    }
}

/// The socket, noting when bytes arrive and when the client stops reading.
struct Tracked {
    inner: TcpStream,
    slot: Arc<Slot>,
}

impl AsyncRead for Tracked {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.slot.reading.store(true, Ordering::Release);
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.slot.write_blocked.store(result.is_pending(), Ordering::Release);
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.slot.write_blocked.store(result.is_pending(), Ordering::Release);
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The application, as one connection calls it: with the peer's address,
/// and the connection marked busy until the response is sent.
#[derive(Clone)]
struct ConnService {
    app: Router,
    peer: SocketAddr,
    slot: Arc<Slot>,
    conns: Arc<Connections>,
}

/// Marks its connection busy while it lives.
struct Busy {
    slot: Arc<Slot>,
    conns: Arc<Connections>,
}

impl Busy {
    fn new(slot: Arc<Slot>, conns: Arc<Connections>) -> Busy {
        slot.in_flight.fetch_add(1, Ordering::AcqRel);
        slot.served.store(true, Ordering::Release);
        Busy { slot, conns }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.slot.reading.store(false, Ordering::Release);
        self.slot.idle_since.store(self.conns.now_ms(), Ordering::Release);
        self.slot.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl hyper::service::Service<Request<Incoming>> for ConnService {
    type Response = Response<BusyBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<BusyBody>, Infallible>> + Send>>;

    fn call(&self, mut req: Request<Incoming>) -> Self::Future {
        let busy = Busy::new(self.slot.clone(), self.conns.clone());
        req.extensions_mut().insert(ConnectInfo(self.peer));
        let answer = self.app.clone().oneshot(req);
        Box::pin(async move {
            let res = answer.await?;
            Ok(res.map(|inner| BusyBody { inner, _busy: busy }))
        })
    }
}

/// A response body that keeps its connection busy until it is sent.
struct BusyBody {
    inner: Body,
    _busy: Busy,
}

impl http_body::Body for BusyBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Connections that just opened are not closed to make room: the
    /// server waits until the oldest has been idle long enough, then closes
    /// the oldest a 16th of the limit at once; busy ones are never chosen.
    #[test]
    fn room_is_made_by_closing_the_idlest_few() {
        let limits = ConnLimits { max_connections: 64, ..ConnLimits::default() };
        let conns = Connections::new(limits);
        let registered: Vec<Registered> = (0..64).map(|_| conns.register()).collect();
        let evicted = || registered.iter().filter(|r| r.slot.evict.load(Ordering::Acquire)).count();
        let wait = conns.make_room();
        assert!(wait <= EVICT_AFTER && wait > Duration::ZERO, "{wait:?}");
        assert_eq!(evicted(), 0, "none was idle long enough");
        std::thread::sleep(EVICT_AFTER + Duration::from_millis(5));
        // The first registered is busy; the next four are the idlest.
        registered[0].slot.in_flight.store(1, Ordering::Release);
        for (i, r) in registered.iter().enumerate() {
            r.slot.idle_since.store(if i < 5 { 0 } else { 2 }, Ordering::Release);
        }
        assert_eq!(conns.make_room(), EVICT_AFTER);
        let chosen: Vec<usize> = (0..64).filter(|&i| registered[i].slot.evict.load(Ordering::Acquire)).collect();
        assert_eq!(chosen, [1, 2, 3, 4], "a 16th of the limit, the idlest first");
        conns.make_room();
        assert_eq!(evicted(), 8, "four more, never the busy one");
        assert!(!registered[0].slot.evict.load(Ordering::Acquire));
    }

    #[test]
    fn the_default_connection_limit_leaves_room_for_other_files() {
        let n = default_max_connections();
        assert!((16..=4096).contains(&n), "{n}");
    }
}
