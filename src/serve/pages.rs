//! The HTML pages: the index of the folder and one document's page. They are rendered
//! with minijinja, which escapes every value for HTML; what the scripts need comes in a
//! JSON data block, never as script text (the Content-Security-Policy allows none).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, context};

use super::App;
use super::api::in_lang;
use super::guard;

pub struct Pages {
    templates: Environment<'static>,
}

impl Pages {
    pub fn new() -> Pages {
        let mut templates = Environment::new();
        for (name, source) in [
            ("base.html", include_str!("assets/base.html")),
            ("index.html", include_str!("assets/index.html")),
            ("document.html", include_str!("assets/document.html")),
        ] {
            templates
                .add_template(name, source)
                .expect("the built-in page templates are valid");
        }
        Pages { templates }
    }

    fn render(&self, name: &str, values: minijinja::Value) -> Response {
        match self
            .templates
            .get_template(name)
            .and_then(|t| t.render(values))
        {
            Ok(html) => Html(html).into_response(),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        }
    }
}

/// The words of the pages and their scripts, in the language of the scope.
fn words() -> BTreeMap<&'static str, String> {
    let mut w = BTreeMap::new();
    let mut put = |key: &'static str, text: std::borrow::Cow<'_, str>| {
        w.insert(key, text.into_owned());
    };
    put(
        "lang",
        if crate::diag::scope::locale().starts_with("zh") {
            "zh-CN".into()
        } else {
            "en".into()
        },
    );
    put("documents", t!("Documents"));
    put("filter", t!("Filter by title, file or kind"));
    put("all", t!("All states"));
    put("valid", t!("valid"));
    put("warnings", t!("with warnings"));
    put("errors", t!("with errors"));
    put("file", t!("File"));
    put("kind", t!("Kind"));
    put("title", t!("Title"));
    put("state", t!("State"));
    put("new", t!("New document"));
    put("name", t!("File name"));
    put("create", t!("Create"));
    put("import", t!("Import a text or a Word file"));
    put(
        "paste",
        t!("Paste the text of a document here, or choose a .docx file"),
    );
    put("recognise", t!("Recognise the kind"));
    put("back", t!("All documents"));
    put("save", t!("Save"));
    put("saved", t!("Saved; building…"));
    put("built", t!("Pages updated"));
    put("unsaved", t!("Unsaved changes"));
    put(
        "changed_outside",
        t!("The file was changed outside this page; save would be refused"),
    );
    put("problems", t!("Problems"));
    put("no_problems", t!("No problems"));
    put("downloads", t!("Downloads"));
    put("pages", t!("Pages"));
    // `{n}` is filled in by the script.
    put("page", t!("Page %{n}", n = "{n}"));
    put(
        "no_pages",
        t!("No pages yet: the document has errors, or has not been built"),
    );
    put("help", t!("Help for the field under the cursor"));
    put("error_count", t!("%{n} errors", n = "{n}"));
    put("warning_count", t!("%{n} warnings", n = "{n}"));
    put("none", t!("No documents match"));
    put("server", t!("Problems of the build"));
    put("failed", t!("The request failed"));
    w
}

fn kinds() -> Vec<minijinja::Value> {
    crate::kinds::KINDS
        .iter()
        .map(|k| context! { name => k.name(), label => k.label() })
        .collect()
}

/// `GET /`: the folder's documents.
pub async fn index(State(app): State<Arc<App>>) -> Response {
    let site = app.site.read().unwrap_or_else(|e| e.into_inner());
    let documents: Vec<minijinja::Value> = site
        .documents
        .values()
        .map(|d| {
            context! {
                path => d.path.clone(), kind => d.kind, kind_label => d.kind_label, title => d.title.clone(),
                state => d.state(), errors => d.errors, warnings => d.warnings,
            }
        })
        .collect();
    in_lang(&app.locale, || {
        let ui = words();
        let data = context! { page => "index", ui => ui.clone() };
        app.pages.render(
            "index.html",
            context! { ui, documents, kinds => kinds(), problems => minijinja::Value::from(minijinja::value::Serde(&site.problems)), data },
        )
    })
}

/// `GET /doc/PATH`: one document, its pages and its editor.
pub async fn document(State(app): State<Arc<App>>, UrlPath(path): UrlPath<String>) -> Response {
    if guard::existing_data_file(&app.root, &path).is_none() {
        return super::api::not_found(State(app)).await;
    }
    let site = app.site.read().unwrap_or_else(|e| e.into_inner());
    let state = site.documents.get(&path).cloned();
    in_lang(&app.locale, || {
        let ui = words();
        let data = context! { page => "document", path => path.clone(), ui => ui.clone() };
        app.pages.render(
            "document.html",
            context! { ui, path, doc => minijinja::Value::from(minijinja::value::Serde(&state)), data },
        )
    })
}

/// `GET /assets/NAME`: the pages' script and style, from the binary.
pub async fn asset(UrlPath(name): UrlPath<String>) -> Response {
    let (body, media) = match name.as_str() {
        "app.js" => (
            include_str!("assets/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "app.css" => (include_str!("assets/app.css"), "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "").into_response(),
    };
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    response
}
