//! `gongwen serve`: a local web application over a data folder, and a render API for
//! office systems.
//!
//! One process holds the folder's state ([`site::Site`]: every document, its diagnostics
//! and outputs). A rebuild thread runs the same [`Rebuilder`] as `watch`; after each build
//! it scans the folder again and pushes the paths that changed to the browsers (server-sent
//! events). Requests are served by axum on tokio; everything that loads, validates or
//! typesets runs on the blocking pool, at most `workers` at once behind a bounded queue.
//! [`guard`] decides who gets in and which files a request may touch.

mod api;
mod guard;
mod pages;
mod site;

pub use guard::new_token;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::build::Rebuilder;
use crate::diag::scope::{Scope, Sink};
use crate::diag::{Diagnostic, Printer};
use crate::settings::{BuildSettings, Status};

/// What bounds the work one request, and all of them, may cause.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest request body (a data file, a Word file to import).
    pub body_bytes: usize,
    /// The longest a request may take, body included.
    pub request_time: Duration,
    /// Validations and renders that run at once.
    pub workers: usize,
    /// Requests that may wait for a worker; more are answered `503` with `Retry-After`.
    pub queue: usize,
    /// The longest a client may take to send its request's headers.
    pub header_time: Duration,
    /// Connections open at once; more wait to be accepted.
    pub connections: usize,
}

/// Everything `gongwen serve` is asked to do.
pub struct ServeSettings {
    /// The build of the served folder (`paths` is that one folder).
    pub build: BuildSettings,
    pub listen: SocketAddr,
    /// Required of every request when set; `--listen` beyond loopback sets one.
    pub token: Option<String>,
    /// Host names the server also answers to (besides IP addresses and `localhost`).
    pub allowed_hosts: Vec<String>,
    pub open: bool,
    pub limits: Limits,
    /// How often the folder is looked at for changes made outside the browser.
    pub interval: Duration,
}

/// The server's shared state.
pub struct App {
    /// The served folder, canonical: no file outside it is read or written.
    root: PathBuf,
    settings: BuildSettings,
    guard: guard::Guard,
    limits: Limits,
    /// The language of the pages and of the folder's diagnostics.
    locale: String,
    site: RwLock<site::Site>,
    events: tokio::sync::broadcast::Sender<String>,
    /// Wakes the rebuild thread at once (after a save) instead of at its next look.
    wake: Mutex<std::sync::mpsc::Sender<()>>,
    queue: api::Queue,
    /// Saves and creations one at a time: the check that a file is unchanged, and the
    /// write after it, are not interleaved with another's.
    writing: tokio::sync::Mutex<()>,
    pages: pages::Pages,
}

impl App {
    fn wake_rebuild(&self) {
        if let Ok(wake) = self.wake.lock() {
            let _ = wake.send(());
        }
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn serve(settings: ServeSettings, printer: Printer) -> Result<Status, Diagnostic> {
    let folder = settings.build.paths.first().cloned().unwrap_or_default();
    let root = std::fs::canonicalize(&folder)
        .ok()
        .filter(|p| p.is_dir())
        .ok_or_else(|| {
            Diagnostic::error(t!("the folder to serve does not exist"))
                .in_file(&folder)
                .with_hint(t!("give a folder of data files, e.g. `gongwen serve data`"))
        })?;
    let mut build = settings.build.clone();
    build.paths = vec![root.clone()];
    build.quiet = true;
    let listener = std::net::TcpListener::bind(settings.listen).map_err(|e| {
        Diagnostic::error(t!(
            "cannot listen on %{address}: %{reason}",
            address = settings.listen,
            reason = crate::load::io_reason(&e)
        ))
        .with_hint(t!("choose another port with --port, or 0 for any free one"))
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(t!("cannot listen: %{reason}", reason = e.to_string())))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Diagnostic::error(t!("cannot listen: %{reason}", reason = e.to_string())))?;

    let locale = crate::diag::scope::locale();
    let (wake, woken) = std::sync::mpsc::channel();
    let mut rebuilder = Rebuilder::new(build.clone());
    // The first build before the first request: the pages are there when the URL is.
    let first = rebuild(&mut rebuilder, &locale).unwrap_or_default();
    let site = site::Site::scan(&root, &build, &first, &locale)?;
    let app = Arc::new(App {
        guard: guard::Guard::new(address, settings.token.clone(), &settings.allowed_hosts),
        queue: api::Queue::new(settings.limits.workers, settings.limits.queue),
        limits: settings.limits.clone(),
        root,
        settings: build,
        locale,
        site: RwLock::new(site),
        events: tokio::sync::broadcast::channel(64).0,
        wake: Mutex::new(wake),
        writing: tokio::sync::Mutex::new(()),
        pages: pages::Pages::new(),
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(settings.limits.workers.max(1) + 4)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(t!("cannot listen: %{reason}", reason = e.to_string())))?;
    let rebuild_thread = {
        let app = app.clone();
        let interval = settings.interval;
        std::thread::spawn(move || watch_folder(&app, rebuilder, &woken, interval))
    };

    let url = format!("http://{address}/");
    printer.result(&t!(
        "serving %{folder} at %{url}",
        folder = folder.display(),
        url = url
    ));
    if let Some(token) = &settings.token {
        printer.result(&t!(
            "open %{url}?token=%{token} (the token is needed from other machines)",
            url = url,
            token = token
        ));
    }
    printer.status(&t!("press Ctrl-C to stop"));
    if settings.open {
        open_browser(&url);
    }
    let served = runtime.block_on(accept(app.clone(), listener, settings.limits.clone()));
    runtime.shutdown_timeout(Duration::from_secs(2));
    app.wake_rebuild();
    let _ = rebuild_thread.join();
    served.map(|_| Status::Interrupted)
}

/// One build of the rebuilder, its diagnostics gathered; `None` when nothing changed.
fn rebuild(rebuilder: &mut Rebuilder, locale: &str) -> Option<Vec<Diagnostic>> {
    let sink = Sink::default();
    let scope = Scope {
        locale: Some(locale.to_owned()),
        sink: Some(sink.clone()),
    };
    let result =
        crate::diag::scope::enter(scope, || rebuilder.rebuild_if_changed(Printer::default()))?;
    let mut gathered = std::mem::take(&mut *sink.lock().unwrap_or_else(|e| e.into_inner()));
    if let Err(d) = result {
        gathered.push(d);
    }
    Some(gathered)
}

/// The rebuild thread: a build whenever the folder changed (seen at each look, or at once
/// after a save in the browser), then the new state, then the news to the browsers.
fn watch_folder(
    app: &App,
    mut rebuilder: Rebuilder,
    woken: &std::sync::mpsc::Receiver<()>,
    interval: Duration,
) {
    loop {
        match woken.recv_timeout(interval) {
            Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if crate::interrupt::requested() {
            return;
        }
        let Some(gathered) = rebuild(&mut rebuilder, &app.locale) else {
            continue;
        };
        let Ok(fresh) = site::Site::scan(&app.root, &app.settings, &gathered, &app.locale) else {
            continue;
        };
        let changed = {
            let mut site = app.site.write().unwrap_or_else(|e| e.into_inner());
            let changed = site.changed(&fresh);
            *site = fresh;
            changed
        };
        if !changed.is_empty() {
            let news = serde_json::json!({ "changed": changed }).to_string();
            let _ = app.events.send(news);
        }
    }
}

fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/doc/{*path}", get(pages::document))
        .route("/assets/{name}", get(pages::asset))
        .route("/out/{name}", get(api::output))
        .route("/events", get(api::events))
        .route("/api/v1/documents", get(api::documents).post(api::create))
        .route(
            "/api/v1/documents/{*path}",
            get(api::document).put(api::save),
        )
        .route("/api/v1/import", post(api::import))
        .route("/api/v1/schema", get(api::schema))
        .route("/api/v1/validate", post(api::validate))
        .route("/api/v1/render", post(api::render))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::check,
        ))
        .with_state(app)
}

/// Accepts connections until a stop is asked for. Each connection is served by hyper with
/// a limit on the time its headers take (a client that sends them byte by byte is cut
/// off), and at most `connections` at once.
async fn accept(
    app: Arc<App>,
    listener: std::net::TcpListener,
    limits: Limits,
) -> Result<(), Diagnostic> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|e| Diagnostic::error(t!("cannot listen: %{reason}", reason = e.to_string())))?;
    let router = routes(app);
    let open = Arc::new(tokio::sync::Semaphore::new(limits.connections.max(1)));
    let mut ticks = tokio::time::interval(Duration::from_millis(100));
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            _ = ticks.tick() => {
                if crate::interrupt::requested() { return Ok(()); }
                continue;
            }
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A connection reset before it was accepted, or no descriptor left: the
                // next one may do.
                Err(_) => { tokio::time::sleep(Duration::from_millis(10)).await; continue; }
            },
            _ = ticks.tick() => {
                if crate::interrupt::requested() { return Ok(()); }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let header_time = limits.header_time;
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(stream);
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_time)
                .serve_connection(io, service);
            // A client that goes away mid-request is an error of that connection only.
            let _ = connection.await;
            drop(permit);
        });
    }
}

/// Opens the URL in the desktop's browser, when there is one.
fn open_browser(url: &str) {
    for opener in ["xdg-open", "open"] {
        let started = std::process::Command::new(opener)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if started.is_ok() {
            return;
        }
    }
}
