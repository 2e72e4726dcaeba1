//! The JSON API: the folder's documents for the pages (read, save, create, import), and
//! the render API for office systems (`/api/v1/validate`, `/api/v1/render`), which works
//! on the YAML of the request in a private temporary folder and keeps nothing.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::App;
use super::guard;
use super::site::{Problem, media_type};
use crate::diag::scope::{Scope, Sink};
use crate::diag::{Diagnostic, Printer, Severity};
use crate::load::{self, Library};
use crate::settings::{BuildSettings, Format, Status};

/// The work that may run at once, and the requests that may wait for it.
pub struct Queue {
    admitted: Arc<Semaphore>,
    working: Arc<Semaphore>,
}

impl Queue {
    pub fn new(workers: usize, queue: usize) -> Queue {
        Queue {
            admitted: Arc::new(Semaphore::new(workers.max(1) + queue)),
            working: Arc::new(Semaphore::new(workers.max(1))),
        }
    }

    /// Runs `work` on the blocking pool in `locale`, when a worker is free. A full queue is
    /// a `503` at once. The permits go with the work: a request that gave up (its time
    /// ran out) still holds its worker until the work is done, so the bound holds.
    async fn run<R: Send + 'static>(
        &self,
        locale: &str,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, Response> {
        let admitted: OwnedSemaphorePermit = match self.admitted.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let mut response = in_lang(locale, || {
                    refusal(
                        StatusCode::SERVICE_UNAVAILABLE,
                        t!("the server is busy: too many requests are waiting"),
                        t!("send the request again in a moment (see Retry-After)"),
                    )
                });
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return Err(response);
            }
        };
        let working = self
            .working
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let scope = Scope {
            locale: Some(locale.to_owned()),
            sink: None,
        };
        let done = tokio::task::spawn_blocking(move || {
            let _permits = (admitted, working);
            crate::diag::scope::enter(scope, work)
        })
        .await;
        done.map_err(|_| {
            in_lang(locale, || {
                refusal(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    t!("the request failed inside gongwen"),
                    t!("this is a bug of gongwen: please report it with the data file"),
                )
            })
        })
    }
}

/// A JSON error: `{"error": {"status", "message", "hint"}, "diagnostics": [...]}`.
pub fn refusal(
    status: StatusCode,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Response {
    refusal_with(status, message.into(), hint.into(), Vec::new())
}

fn refusal_with(
    status: StatusCode,
    message: String,
    hint: String,
    problems: Vec<Problem>,
) -> Response {
    let body = json!({
        "error": { "status": status.as_u16(), "message": message, "hint": hint },
        "diagnostics": problems,
    });
    (status, no_store(), Json(body)).into_response()
}

fn no_store() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "no-store")]
}

/// `work` with messages in `locale`.
pub fn in_lang<R>(locale: &str, work: impl FnOnce() -> R) -> R {
    let scope = Scope {
        locale: Some(locale.to_owned()),
        sink: None,
    };
    crate::diag::scope::enter(scope, work)
}

#[derive(Deserialize, Default)]
pub struct ApiQuery {
    /// `zh` or `en`; else the `Accept-Language` header; else the server's.
    lang: Option<String>,
    /// The data file's name, which names the outputs and the diagnostics' file.
    name: Option<String>,
    /// Output formats, comma-separated.
    format: Option<String>,
    /// For import: the kind, when it is not to be recognised.
    kind: Option<String>,
    /// For import: the uploaded file's own name (a `.docx` is read as Word).
    source: Option<String>,
}

/// The language of a request's messages.
fn request_locale(query: &ApiQuery, headers: &HeaderMap, app: &App) -> String {
    let pick = |tag: &str| {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("en") {
            Some("en".to_owned())
        } else if tag.starts_with("zh") {
            Some("zh-CN".to_owned())
        } else {
            None
        }
    };
    if let Some(lang) = query.lang.as_deref().and_then(pick) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|tag| pick(tag.split(';').next().unwrap_or("")))
        })
        .unwrap_or_else(|| app.locale.clone())
}

/// The request's body, at most `limit` bytes: a larger one is refused from its
/// `Content-Length` before it is read, or as soon as it grows past the limit.
async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
    locale: &str,
) -> Result<Vec<u8>, Response> {
    let too_large = || {
        in_lang(locale, || {
            refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                t!(
                    "the request is larger than the limit of %{limit} bytes",
                    limit = limit
                ),
                t!("send a smaller file, or start the server with a larger --max-body"),
            )
        })
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(e) => {
            let is_limit = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if is_limit {
                Err(too_large())
            } else {
                Err(in_lang(locale, || {
                    refusal(
                        StatusCode::BAD_REQUEST,
                        t!("the request's body could not be read"),
                        t!("the client stopped sending; send the request again"),
                    )
                }))
            }
        }
    }
}

/// The request's body as UTF-8 text, within the server's body limit.
async fn read_text(
    body: Body,
    headers: &HeaderMap,
    app: &App,
    locale: &str,
) -> Result<String, Response> {
    utf8(
        read_body(body, headers, app.limits.body_bytes, locale).await?,
        locale,
    )
}

fn utf8(bytes: Vec<u8>, locale: &str) -> Result<String, Response> {
    String::from_utf8(bytes).map_err(|_| {
        in_lang(locale, || {
            refusal(
                StatusCode::BAD_REQUEST,
                t!("the file is not UTF-8 text"),
                t!("save the file as UTF-8"),
            )
        })
    })
}

/// A plain data file name for a request's YAML: `name`, given `.yaml` if it has no such
/// ending; nothing of a path.
fn data_name(name: Option<&str>, locale: &str) -> Result<String, Response> {
    let name = name.unwrap_or("document").trim();
    let plain = !name.is_empty()
        && name.len() <= 200
        && !name.contains(['/', '\\', '\0', ':', '%'])
        && !name.starts_with('.')
        && !name.chars().any(char::is_control);
    if !plain {
        return Err(in_lang(locale, || {
            refusal(
                StatusCode::BAD_REQUEST,
                t!("`%{name}` cannot name a data file", name = name),
                t!("give a plain file name without folders, e.g. name=proposal-reply-0520"),
            )
        }));
    }
    Ok(match name.ends_with(".yaml") || name.ends_with(".yml") {
        true => name.to_owned(),
        false => format!("{name}.yaml"),
    })
}

/// Runs `work` within the request time limit; the time counts from the first byte of the
/// body to the last of the answer's making.
async fn limited(
    app: &App,
    locale: &str,
    work: impl std::future::Future<Output = Result<Response, Response>>,
) -> Response {
    match tokio::time::timeout(app.limits.request_time, work).await {
        Ok(Ok(response) | Err(response)) => response,
        Err(_) => in_lang(locale, || {
            refusal(
                StatusCode::GATEWAY_TIMEOUT,
                t!(
                    "the request took longer than the limit of %{seconds} s",
                    seconds = app.limits.request_time.as_secs_f64()
                ),
                t!("split the document, or start the server with a larger --time-limit"),
            )
        }),
    }
}

/// `POST /api/v1/validate`: YAML in, its diagnostics out.
pub async fn validate(
    State(app): State<Arc<App>>,
    Query(query): Query<ApiQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let locale = request_locale(&query, &headers, &app);
    limited(&app, &locale, async {
        let text = read_text(body, &headers, &app, &locale).await?;
        let name = data_name(query.name.as_deref(), &locale)?;
        let problems = app
            .queue
            .run(&locale, move || check_text(&name, &text))
            .await?
            .map_err(|d| failure(&d, &locale))?;
        let errors = problems.iter().filter(|p| p.severity == "error").count();
        let body = json!({
            "valid": errors == 0,
            "errors": errors,
            "warnings": problems.len() - errors,
            "diagnostics": problems,
        });
        Ok((no_store(), Json(body)).into_response())
    })
    .await
}

/// A problem of the server's own (a temporary folder that cannot be made).
fn failure(d: &Diagnostic, locale: &str) -> Response {
    in_lang(locale, || {
        refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            d.message.clone(),
            d.hints.first().cloned().unwrap_or_default(),
        )
    })
}

/// A private folder for one request's files, removed when it drops.
fn private_folder() -> Result<tempfile::TempDir, Diagnostic> {
    tempfile::Builder::new()
        .prefix("gongwen-serve-")
        .tempdir()
        .map_err(|e| {
            Diagnostic::error(t!(
                "cannot create a temporary folder: %{reason}",
                reason = e
            ))
        })
}

/// Every problem of one data file, named `name`.
fn check_text(name: &str, text: &str) -> Result<Vec<Problem>, Diagnostic> {
    let folder = private_folder()?;
    let path = folder.path().join(name);
    std::fs::write(&path, text)
        .map_err(|e| Diagnostic::error(t!("cannot write: %{reason}", reason = e)))?;
    let files = load::discover(std::slice::from_ref(&path))?;
    let mut library = Library::load(&files, 1);
    crate::validate::validate(&mut library, 1);
    Ok(library
        .entries
        .iter()
        .flat_map(|e| e.diagnostics.sorted())
        .map(|d| Problem::of(&d, folder.path()))
        .collect())
}

/// The formats `render` may be asked for.
const RENDER_FORMATS: [Format; 6] = [
    Format::Pdf,
    Format::Docx,
    Format::Xlsx,
    Format::Md,
    Format::Csv,
    Format::Ofd,
];

fn render_formats(asked: Option<&str>, locale: &str) -> Result<Vec<Format>, Response> {
    let mut formats = Vec::new();
    for word in asked
        .unwrap_or("pdf")
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let format = <Format as clap::ValueEnum>::from_str(word, true)
            .ok()
            .filter(|f| RENDER_FORMATS.contains(f));
        match format {
            Some(f) if !formats.contains(&f) => formats.push(f),
            Some(_) => {}
            None => {
                return Err(in_lang(locale, || {
                    refusal(
                        StatusCode::BAD_REQUEST,
                        t!(
                            "`%{format}` is not a format the render API makes",
                            format = word
                        ),
                        t!("ask for pdf, docx, xlsx, md, csv or ofd, e.g. format=pdf,docx"),
                    )
                }));
            }
        }
    }
    if formats.is_empty() {
        formats.push(Format::Pdf);
    }
    Ok(formats)
}

/// What a render made: its files by name, or why it made none.
enum Made {
    Files(Vec<(String, Vec<u8>)>),
    Invalid(Vec<Problem>),
}

/// The document of `text` built in a private folder, with the served folder's templates.
fn render_text(
    name: &str,
    text: &str,
    formats: Vec<Format>,
    served: &BuildSettings,
) -> Result<Made, Diagnostic> {
    let folder = private_folder()?;
    let data = folder.path().join("data");
    let out = folder.path().join("out");
    std::fs::create_dir_all(&data)
        .map_err(|e| Diagnostic::error(t!("cannot write: %{reason}", reason = e)))?;
    let path = data.join(name);
    std::fs::write(&path, text)
        .map_err(|e| Diagnostic::error(t!("cannot write: %{reason}", reason = e)))?;
    let settings = BuildSettings {
        paths: vec![data.clone()],
        out_dir: out.clone(),
        formats,
        jobs: 1,
        force: true,
        quiet: true,
        summary: None,
        session: None,
        by_unit: false,
        charts: false,
        ..served.clone()
    };
    let sink = Sink::default();
    let scope = Scope {
        locale: Some(crate::diag::scope::locale()),
        sink: Some(sink.clone()),
    };
    let status =
        crate::diag::scope::enter(scope, || crate::build::run(&settings, Printer::default()));
    let mut gathered = std::mem::take(&mut *sink.lock().unwrap_or_else(|e| e.into_inner()));
    let built = matches!(status, Ok(Status::Ok));
    if let Err(d) = status {
        gathered.push(d);
    }
    let failed = !built || gathered.iter().any(|d| d.severity == Severity::Error);
    let problems: Vec<Problem> = gathered.iter().map(|d| Problem::of(d, &data)).collect();
    if failed {
        return Ok(Made::Invalid(problems));
    }
    let manifest = crate::build::manifest::Manifest::load(&out);
    let mut files = Vec::new();
    for output in manifest
        .get(&path)
        .map(|e| e.outputs.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let bytes = std::fs::read(out.join(&output))
            .map_err(|e| Diagnostic::error(t!("cannot write: %{reason}", reason = e)))?;
        files.push((output, bytes));
    }
    Ok(Made::Files(files))
}

/// `POST /api/v1/render?format=…`: YAML in, the document's file out (a zip when there are
/// several: several formats, or several CSV tables).
pub async fn render(
    State(app): State<Arc<App>>,
    Query(query): Query<ApiQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let locale = request_locale(&query, &headers, &app);
    limited(&app, &locale, async {
        let formats = render_formats(query.format.as_deref(), &locale)?;
        let text = read_text(body, &headers, &app, &locale).await?;
        let name = data_name(query.name.as_deref(), &locale)?;
        let served = app.settings.clone();
        let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml").to_owned();
        let made = app
            .queue
            .run(&locale, move || render_text(&name, &text, formats, &served))
            .await?
            .map_err(|d| failure(&d, &locale))?;
        let files = match made {
            Made::Invalid(problems) => {
                let count = problems.iter().filter(|p| p.severity == "error").count();
                return Err(in_lang(&locale, || {
                    refusal_with(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        t!("the document has %{count} errors and was not rendered", count = count).into_owned(),
                        t!("correct the errors listed in diagnostics; POST /api/v1/validate lists them too").into_owned(),
                        problems,
                    )
                }));
            }
            Made::Files(files) => files,
        };
        match files.as_slice() {
            [] => Err(in_lang(&locale, || {
                refusal(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    t!("the document has no file in the formats asked for"),
                    t!("a document without tables has no XLSX or CSV; ask for pdf or docx"),
                )
            })),
            [(file, bytes)] => Ok(download(file, bytes.clone(), true)),
            several => {
                let parts = several
                    .iter()
                    .map(|(n, b)| (n.clone(), b.clone(), crate::write::Packing::Deflated));
                Ok(download(&format!("{stem}.zip"), crate::write::zip_package(parts), true))
            }
        }
    })
    .await
}

/// A file as a response; `attachment` asks the browser to save it.
fn download(name: &str, bytes: Vec<u8>, attachment: bool) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if attachment { "attachment" } else { "inline" }
    );
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media_type(name)),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /out/NAME`: an output of one of the folder's documents.
pub async fn output(State(app): State<Arc<App>>, UrlPath(name): UrlPath<String>) -> Response {
    let known = !name.contains(['/', '\\', '\0']) && !name.starts_with('.') && {
        let site = app.site.read().unwrap_or_else(|e| e.into_inner());
        site.has_output(&name)
    };
    let out = std::fs::canonicalize(&app.settings.out_dir).ok();
    let path = out.as_ref().map(|o| o.join(&name));
    let inside = match (
        &out,
        path.as_ref().and_then(|p| std::fs::canonicalize(p).ok()),
    ) {
        (Some(out), Some(real)) => real.starts_with(out),
        _ => false,
    };
    let bytes = path
        .filter(|_| known && inside)
        .and_then(|p| std::fs::read(p).ok());
    match bytes {
        Some(bytes) => {
            let inline = name.ends_with(".svg") || name.ends_with(".pdf");
            download(&name, bytes, !inline)
        }
        None => not_found_in(&app.locale),
    }
}

pub async fn not_found(State(app): State<Arc<App>>) -> Response {
    not_found_in(&app.locale)
}

fn not_found_in(locale: &str) -> Response {
    in_lang(locale, || {
        refusal(
            StatusCode::NOT_FOUND,
            t!("there is no such page or file here"),
            t!("the documents are listed at /"),
        )
    })
}

/// `GET /events`: server-sent events, one `site` event with the changed paths after each
/// build that changed something.
pub async fn events(State(app): State<Arc<App>>) -> Response {
    let receiver = app.events.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let news = match receiver.recv().await {
            Ok(news) => news,
            // A browser that fell behind is told that everything may have changed.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                json!({ "changed": ["*"] }).to_string()
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        let event = Event::default().event("site").data(news);
        Some((Ok::<_, Infallible>(event), receiver))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// `GET /api/v1/documents`: every document of the folder, with its state.
pub async fn documents(State(app): State<Arc<App>>) -> Response {
    let site = app.site.read().unwrap_or_else(|e| e.into_inner());
    let list: Vec<_> = site
        .documents
        .values()
        .map(|d| {
            json!({
                "path": d.path, "kind": d.kind, "kind_label": d.kind_label, "title": d.title,
                "state": d.state(), "errors": d.errors, "warnings": d.warnings, "version": d.version,
            })
        })
        .collect();
    (
        no_store(),
        Json(json!({ "documents": list, "problems": site.problems })),
    )
        .into_response()
}

/// `GET /api/v1/documents/PATH`: one document: its state, its text and the text's hash,
/// which a save must name.
pub async fn document(State(app): State<Arc<App>>, UrlPath(path): UrlPath<String>) -> Response {
    let Some(file) = guard::existing_data_file(&app.root, &path) else {
        return not_found_in(&app.locale);
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return not_found_in(&app.locale);
    };
    let site = app.site.read().unwrap_or_else(|e| e.into_inner());
    let state = site.documents.get(&path);
    let body = json!({
        "document": state,
        "state": state.map(|s| s.state()),
        "source": String::from_utf8_lossy(&bytes),
        "source_hash": load::hash_bytes(&bytes),
    });
    (no_store(), Json(body)).into_response()
}

/// `PUT /api/v1/documents/PATH` with `If-Match: HASH`: the new text, written atomically
/// as `build` writes, unless the file changed since HASH was read.
pub async fn save(
    State(app): State<Arc<App>>,
    UrlPath(path): UrlPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let locale = app.locale.clone();
    let Some(file) = guard::existing_data_file(&app.root, &path) else {
        return not_found_in(&locale);
    };
    limited(&app, &locale, async {
        let text = read_text(body, &headers, &app, &locale).await?;
        let Some(expected) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
            return Err(in_lang(&locale, || {
                refusal(
                    StatusCode::PRECONDITION_REQUIRED,
                    t!("a save must name the version it replaces"),
                    t!("send the source_hash of GET /api/v1/documents/PATH as If-Match"),
                )
            }));
        };
        let expected = expected.trim().trim_matches('"').to_owned();
        let _one_at_a_time = app.writing.lock().await;
        let current = std::fs::read(&file)
            .map(|b| load::hash_bytes(&b))
            .unwrap_or_default();
        if !guard::constant_time_eq(current.as_bytes(), expected.as_bytes()) {
            return Err(in_lang(&locale, || {
                refusal(
                    StatusCode::CONFLICT,
                    t!("the file was changed on disk after it was opened; nothing was saved"),
                    t!("copy your changes, reload the page, and make them again on the new text"),
                )
            }));
        }
        crate::write::write_atomic(&file, text.as_bytes()).map_err(|e| {
            let d = in_lang(&locale, || {
                crate::diag::Report::report(&e, &crate::diag::Place::NONE)
            });
            failure(&d, &locale)
        })?;
        app.wake_rebuild();
        Ok((
            no_store(),
            Json(json!({ "source_hash": load::hash_bytes(text.as_bytes()) })),
        )
            .into_response())
    })
    .await
}

#[derive(Deserialize)]
pub struct NewDocument {
    kind: String,
    name: String,
}

/// Writes a new data file of the folder, refusing one that exists.
async fn create_file(app: &App, name: &str, text: &str) -> Result<Response, Response> {
    let locale = &app.locale;
    let relative = data_name(Some(name), locale)?;
    let _one_at_a_time = app.writing.lock().await;
    let Some(target) = guard::new_data_file(&app.root, &relative) else {
        return Err(in_lang(locale, || {
            refusal(
                StatusCode::CONFLICT,
                t!(
                    "`%{name}` exists already, or cannot be made here",
                    name = relative
                ),
                t!("choose another name"),
            )
        }));
    };
    crate::write::write_atomic(&target, text.as_bytes()).map_err(|e| {
        let d = in_lang(locale, || {
            crate::diag::Report::report(&e, &crate::diag::Place::NONE)
        });
        failure(&d, locale)
    })?;
    app.wake_rebuild();
    Ok((
        StatusCode::CREATED,
        no_store(),
        Json(json!({ "path": relative })),
    )
        .into_response())
}

/// `POST /api/v1/documents` with `{"kind", "name"}`: a new document from the kind's
/// skeleton.
pub async fn create(State(app): State<Arc<App>>, Json(asked): Json<NewDocument>) -> Response {
    let Some(kind) = crate::kinds::find(&asked.kind) else {
        return in_lang(&app.locale, || {
            refusal(
                StatusCode::BAD_REQUEST,
                t!("unknown document kind `%{kind}`", kind = asked.kind),
                t!("the kinds are: %{kinds}", kinds = crate::kinds::list()),
            )
        });
    };
    let skeleton = in_lang(&app.locale, || kind.skeleton());
    match create_file(&app, &asked.name, &skeleton).await {
        Ok(r) | Err(r) => r,
    }
}

/// `POST /api/v1/import?name=N[&kind=K][&source=FILE]`: a pasted text or an uploaded Word
/// file, through the importer of `gongwen import`, as a new data file.
pub async fn import(
    State(app): State<Arc<App>>,
    Query(query): Query<ApiQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let locale = app.locale.clone();
    limited(&app, &locale, async {
        let bytes = read_body(body, &headers, app.limits.body_bytes, &locale).await?;
        let kind = match query.kind.as_deref().filter(|k| !k.is_empty()) {
            Some(name) => Some(crate::kinds::find(name).ok_or_else(|| {
                in_lang(&locale, || {
                    refusal(
                        StatusCode::BAD_REQUEST,
                        t!("unknown document kind `%{kind}`", kind = name),
                        t!("the kinds are: %{kinds}", kinds = crate::kinds::list()),
                    )
                })
            })?),
            None => None,
        };
        let source = query.source.clone().unwrap_or_else(|| "pasted.txt".into());
        let made = app
            .queue
            .run(&locale, move || {
                crate::authoring::import(&bytes, kind, &source)
                    .map_err(|e| crate::diag::Report::report(&e, &crate::diag::Place::NONE))
            })
            .await?;
        let yaml = made.map_err(|d| {
            in_lang(&locale, || {
                refusal_with(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    d.message.clone(),
                    d.hints.first().cloned().unwrap_or_default(),
                    vec![Problem::of(&d, Path::new(""))],
                )
            })
        })?;
        let name = query.name.clone().unwrap_or_else(|| "imported".into());
        create_file(&app, &name, &yaml).await
    })
    .await
}

/// `GET /api/v1/schema`: the JSON Schema of the data files, whose descriptions are the
/// editor's help.
pub async fn schema() -> Response {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        crate::authoring::schema_text(),
    )
        .into_response()
}
