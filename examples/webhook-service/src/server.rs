//! The listener: every connection is accepted under a cap and served by hyper with a header
//! timer, closed when it has had no request in progress for the idle time, and closed at the
//! end of a shutdown's deadline. At the cap, a new connection closes the one idle the longest
//! (an idle flood cannot lock GitLab out), or is closed itself when every connection has a
//! request in progress.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt;

use crate::config::Limits;

/// One open connection, as the cap and the idle timer see it.
struct Conn {
    /// Requests in progress on it.
    busy: AtomicUsize,
    /// When it last had a request in progress (milliseconds since the server started).
    idle_since: AtomicU64,
    /// Closes it at once.
    close: Notify,
}

/// The open connections.
struct Conns {
    started: Instant,
    max: usize,
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<Conn>>>,
}

impl Conns {
    fn now(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// A place for a new connection, made by closing the oldest idle one at the cap; none when
    /// every connection has a request in progress.
    fn admit(&self) -> Option<(u64, Arc<Conn>)> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.len() >= self.max {
            // The one idle the longest (a keep-alive connection between two requests of a
            // busy client has been idle for an instant; a flood's since it connected).
            let idle = open
                .iter()
                .filter(|(_, c)| c.busy.load(Ordering::SeqCst) == 0)
                .min_by_key(|(_, c)| c.idle_since.load(Ordering::SeqCst))
                .map(|(id, _)| *id)?;
            if let Some(c) = open.remove(&idle) {
                c.close.notify_one();
            }
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.now()),
            close: Notify::new(),
        });
        open.insert(id, conn.clone());
        Some((id, conn))
    }

    fn leave(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    fn count(&self) -> usize {
        self.open.lock().map_or(0, |o| o.len())
    }
}

/// A request in progress on a connection; its end starts the connection's idle time.
struct InProgress<'a> {
    conns: &'a Conns,
    conn: &'a Conn,
}

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        self.conn
            .idle_since
            .store(self.conns.now(), Ordering::SeqCst);
        self.conn.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `app` on `listener` until `stop` turns true; then stops accepting, lets the requests
/// in progress finish for `limits.shutdown_deadline_ms`, and closes what is still open.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let conns = Arc::new(Conns {
        started: Instant::now(),
        max: limits.max_connections,
        next: AtomicU64::new(0),
        open: Mutex::default(),
    });
    let mut tasks = JoinSet::new();
    let mut refused_at_cap = 0u64;
    loop {
        while tasks.try_join_next().is_some() {}
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors or memory for a moment: wait instead of spinning.
                tracing::warn!(error = %e, open = conns.count(), "server: cannot accept");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some((id, conn)) = conns.admit() else {
            refused_at_cap += 1;
            if refused_at_cap.is_power_of_two() {
                tracing::warn!(
                    refused = refused_at_cap,
                    max = limits.max_connections,
                    "server: every connection is busy; new ones are closed"
                );
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        tasks.spawn(connection(
            stream,
            app.clone(),
            conns.clone(),
            id,
            conn,
            limits.clone(),
            stop.clone(),
        ));
    }
    drop(listener);
    tracing::info!(
        connections = tasks.len(),
        "shutting down: finishing the requests in progress"
    );
    let deadline = Duration::from_millis(limits.shutdown_deadline_ms);
    let finished = tokio::time::timeout(deadline, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            connections = tasks.len(),
            "shutdown deadline reached: closing the connections still open"
        );
        tasks.shutdown().await;
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    app: Router,
    conns: Arc<Conns>,
    id: u64,
    conn: Arc<Conn>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let (c, cs) = (conn.clone(), conns.clone());
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let (app, c, cs) = (app.clone(), c.clone(), cs.clone());
        c.busy.fetch_add(1, Ordering::SeqCst);
        async move {
            let _in_progress = InProgress {
                conns: &cs,
                conn: &c,
            };
            app.oneshot(req).await
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_millis(limits.header_read_timeout_ms))
        .keep_alive(true);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    let idle = limits.idle_timeout_ms;
    let mut stopping = *stop.borrow();
    if stopping {
        served.as_mut().graceful_shutdown();
    }
    loop {
        // While a request is in progress the idle time has not started: look again later.
        let idle_ends = if conn.busy.load(Ordering::SeqCst) > 0 {
            conns.now() + idle
        } else {
            conn.idle_since.load(Ordering::SeqCst) + idle
        };
        let check = conns.started + Duration::from_millis(idle_ends);
        tokio::select! {
            _ = served.as_mut() => break,
            _ = conn.close.notified() => break,
            _ = stop.wait_for(|s| *s), if !stopping => {
                stopping = true;
                served.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep_until(check) => {
                let since = conn.idle_since.load(Ordering::SeqCst);
                if conn.busy.load(Ordering::SeqCst) == 0 && conns.now() >= since + idle {
                    break;
                }
            }
        }
    }
    conns.leave(id);
}
