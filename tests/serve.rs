//! `gongwen serve`, the real binary on a copy of the samples: its pages, saving, live
//! updates, the render API, its limits and who it lets in.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::server::Server;
use common::{manifest_dir, temp_dir};

const REPLY: &str = "proposal-reply-0520.yaml";
const NOTICE: &str = "notice-2024-sme-evaluation.yaml";
const HOSTILE_TITLE: &str = "关于<script>alert(1)</script>#*$&的通知";

/// A folder `data/` with the reply and a notice whose title is markup, beside a file the
/// server must never serve or touch.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = temp_dir();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(manifest_dir().join("data").join(REPLY), data.join(REPLY)).unwrap();
    let notice = std::fs::read_to_string(manifest_dir().join("data").join(NOTICE)).unwrap();
    let notice = notice.replace(
        "title: 关于做好2024年度科技型中小企业评价工作的通知",
        &format!("title: \"{HOSTILE_TITLE}\""),
    );
    std::fs::write(data.join(NOTICE), notice).unwrap();
    std::fs::write(
        dir.path().join("outside.yaml"),
        "kind: notice\n# OUTSIDE-SECRET\n",
    )
    .unwrap();
    (dir, data)
}

fn serve(dir: &Path, args: &[&str]) -> Server {
    let mut all = vec!["data"];
    all.extend_from_slice(args);
    Server::start(dir, &all, &[])
}

#[test]
fn the_index_and_a_document_page_show_the_folder_with_its_outputs() {
    let (dir, _) = folder();
    let server = serve(dir.path(), &[]);
    let index = server.get("/");
    assert_eq!(index.status, 200);
    let html = index.text();
    assert!(
        html.contains("对政协石家庄市第十四届委员会第四次会议第0520号提案的答复"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/doc/{REPLY}\"")));
    // Markup in the data is text in the page, and no script of its own runs.
    assert!(
        html.contains("关于&lt;script&gt;alert(1)&lt;&#x2f;script&gt;#*$&amp;的通知"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    let policy = index.header("content-security-policy").unwrap();
    assert!(
        policy.contains("script-src 'self'") && policy.contains("default-src 'none'"),
        "{policy}"
    );
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    let page = server.get(&format!("/doc/{NOTICE}")).text();
    assert!(!page.contains("<script>alert"), "{page}");

    let listing = server.get("/api/v1/documents").json();
    let documents = listing["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2, "{listing}");
    let notice = documents.iter().find(|d| d["path"] == NOTICE).unwrap();
    assert_eq!(notice["title"], HOSTILE_TITLE);
    assert_eq!(notice["state"], "valid");
    assert_eq!(notice["kind"], "notice");

    let reply = server.get(&format!("/api/v1/documents/{REPLY}")).json();
    let state = &reply["document"];
    assert_eq!(state["kind"], "proposal-reply");
    let pages = state["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 7, "the reply's 7 pages: {state}");
    let formats: Vec<&str> = state["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["format"].as_str().unwrap())
        .collect();
    for format in ["PDF", "DOCX", "XLSX", "Markdown", "CSV"] {
        assert!(formats.contains(&format), "{format} in {formats:?}");
    }
    let source = std::fs::read_to_string(dir.path().join("data").join(REPLY)).unwrap();
    assert_eq!(reply["source"], source.as_str());

    let svg = server.get(&format!("/out/{}", pages[0].as_str().unwrap()));
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert!(svg.body.starts_with(b"<svg"));
    let pdf = server.get("/out/proposal-reply-0520.pdf");
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.body.starts_with(b"%PDF-"));
    // Only outputs of the folder's documents are served, not the manifest beside them.
    assert_eq!(server.get("/out/.gongwen-manifest.json").status, 404);
    let script = server.get("/assets/app.js");
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
}

#[test]
fn a_save_is_refused_when_the_file_changed_on_disk_and_otherwise_rebuilds_the_pages() {
    let (dir, data) = folder();
    let server = serve(dir.path(), &[]);
    let url = format!("/api/v1/documents/{REPLY}");
    let opened = server.get(&url).json();
    let hash = opened["source_hash"].as_str().unwrap().to_owned();
    let version = opened["document"]["version"].as_str().unwrap().to_owned();
    let text = opened["source"].as_str().unwrap().to_owned();
    let edited = text.replace("value: 18753", "value: 18999");
    assert_ne!(edited, text);

    // No version named: refused.
    let unnamed = server.request("PUT", &url, &[], edited.as_bytes());
    assert_eq!(unnamed.status, 428, "{}", unnamed.text());

    // Changed by another editor since it was opened: refused, and the other edit stays.
    let other = text.replace("value: 18753", "value: 17000");
    std::fs::write(data.join(REPLY), &other).unwrap();
    let quoted = format!("\"{hash}\"");
    let refused = server.request("PUT", &url, &[("If-Match", &quoted)], edited.as_bytes());
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("changed on disk")
    );
    assert_eq!(std::fs::read_to_string(data.join(REPLY)).unwrap(), other);

    // Saved over the version it names: written, then built, and the browsers told.
    std::fs::write(data.join(REPLY), &text).unwrap();
    let mut events = common::server::open_events(&server);
    let saved = server.request("PUT", &url, &[("If-Match", &quoted)], edited.as_bytes());
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(std::fs::read_to_string(data.join(REPLY)).unwrap(), edited);
    common::server::wait_for_event(&mut events, REPLY);
    let rebuilt = server.get(&url).json();
    assert_ne!(rebuilt["document"]["version"].as_str().unwrap(), version);
    assert_eq!(rebuilt["source_hash"], saved.json()["source_hash"]);
    let pdf = dir.path().join("new.pdf");
    std::fs::write(&pdf, server.get("/out/proposal-reply-0520.pdf").body).unwrap();
    let text_of_pdf = common::squeezed_pdf_text(&pdf);
    assert!(
        text_of_pdf.contains("18999") && !text_of_pdf.contains("18753"),
        "{text_of_pdf}"
    );

    // An error is shown at its line, and the pages of the last good build stay.
    let broken = edited.replace("value: 18999", "value: [");
    let fresh = server.get(&url).json();
    let quoted = format!("\"{}\"", fresh["source_hash"].as_str().unwrap());
    assert_eq!(
        server
            .request("PUT", &url, &[("If-Match", &quoted)], broken.as_bytes())
            .status,
        200
    );
    common::server::wait_for_event(&mut events, REPLY);
    let shown = server.get(&url).json();
    let problem = &shown["document"]["problems"][0];
    let line = broken.lines().position(|l| l.contains("value: [")).unwrap() + 1;
    assert_eq!(problem["line"], line as u64, "{shown}");
    assert_eq!(problem["severity"], "error");
    assert_eq!(shown["state"], "errors");
    assert_eq!(shown["document"]["pages"].as_array().unwrap().len(), 7);

    // A change made in another editor is seen too.
    std::fs::write(data.join(REPLY), &text).unwrap();
    common::server::wait_for_event(&mut events, REPLY);
    assert_eq!(server.get(&url).json()["state"], "valid");
}

#[test]
fn documents_are_created_from_a_skeleton_or_imported_from_text() {
    let (dir, data) = folder();
    let server = serve(dir.path(), &[]);
    let made = server.request(
        "POST",
        "/api/v1/documents",
        &[("Content-Type", "application/json")],
        br#"{"kind": "work-report", "name": "work-report-2025"}"#,
    );
    assert_eq!(made.status, 201, "{}", made.text());
    assert_eq!(made.json()["path"], "work-report-2025.yaml");
    let skeleton = std::fs::read_to_string(data.join("work-report-2025.yaml")).unwrap();
    assert!(skeleton.contains("kind: work-report"), "{skeleton}");
    // An existing file is never overwritten.
    let again = server.request(
        "POST",
        "/api/v1/documents",
        &[("Content-Type", "application/json")],
        br#"{"kind": "notice", "name": "work-report-2025"}"#,
    );
    assert_eq!(again.status, 409);
    assert_eq!(
        std::fs::read_to_string(data.join("work-report-2025.yaml")).unwrap(),
        skeleton
    );

    let text = std::fs::read(manifest_dir().join("tests/fixtures/import/reply.txt")).unwrap();
    let imported = server.post("/api/v1/import?name=imported-reply", &text);
    assert_eq!(imported.status, 201, "{}", imported.text());
    let yaml = std::fs::read_to_string(data.join("imported-reply.yaml")).unwrap();
    assert!(yaml.contains("kind:"), "{yaml}");
    let listed = server.wait_for(Duration::from_secs(60), || {
        server.get("/api/v1/documents").json()["documents"]
            .as_array()
            .unwrap()
            .len()
            == 4
    });
    assert!(listed, "{}", server.get("/api/v1/documents").text());
}

#[test]
fn the_render_api_answers_with_files_or_diagnostics_in_the_request_language() {
    let (dir, data) = folder();
    let server = serve(dir.path(), &[]);
    let yaml = std::fs::read(data.join(REPLY)).unwrap();

    let valid = server.post("/api/v1/validate", &yaml).json();
    assert_eq!(valid["valid"], true, "{valid}");
    assert_eq!(valid["diagnostics"].as_array().unwrap().len(), 0);

    let text = String::from_utf8(yaml.clone()).unwrap();
    let broken = text.replace("date: 2024-06-06", "date: 2024-13-45");
    let line = broken
        .lines()
        .position(|l| l.starts_with("date: 2024-13-45"))
        .unwrap()
        + 1;
    let english = server
        .post("/api/v1/validate?lang=en&name=reply-7", broken.as_bytes())
        .json();
    assert_eq!(english["valid"], false);
    let d = &english["diagnostics"][0];
    assert_eq!(d["file"], "reply-7.yaml");
    assert_eq!(d["line"], line as u64, "{english}");
    assert!(d["column"].as_u64().unwrap() >= 1);
    assert_eq!(d["severity"], "error");
    assert!(d["message"].as_str().unwrap().is_ascii(), "{d}");
    assert!(d["hint"].is_string(), "{d}");
    let chinese = server
        .request(
            "POST",
            "/api/v1/validate",
            &[("Accept-Language", "zh-CN,zh;q=0.9")],
            broken.as_bytes(),
        )
        .json();
    assert!(
        !chinese["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .is_ascii(),
        "{chinese}"
    );
    assert_eq!(chinese["diagnostics"][0]["line"], line as u64);

    let pdf = server.post("/api/v1/render?format=pdf&name=0520", &yaml);
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(
        pdf.header("content-disposition")
            .unwrap()
            .contains("0520.pdf")
    );
    let file = dir.path().join("rendered.pdf");
    std::fs::write(&file, &pdf.body).unwrap();
    assert!(common::squeezed_pdf_text(&file).contains("第0520号提案"));

    let zip = server.post("/api/v1/render?format=pdf,docx,md", &yaml);
    assert_eq!(zip.header("content-type"), Some("application/zip"));
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body.clone())).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    for name in ["document.pdf", "document.docx", "document.md"] {
        assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
    }
    let md = server.post("/api/v1/render?format=md", &yaml);
    assert!(md.text().contains("第0520号提案"), "{}", md.text());

    let invalid = server.post("/api/v1/render?format=pdf&lang=en", broken.as_bytes());
    assert_eq!(invalid.status, 422);
    let body = invalid.json();
    assert_eq!(body["diagnostics"][0]["line"], line as u64, "{body}");
    assert_eq!(server.post("/api/v1/render?format=exe", &yaml).status, 400);
    assert_eq!(server.post("/api/v1/render?name=../x", &yaml).status, 400);
    assert_eq!(
        server.post("/api/v1/validate", &[0xff, 0xfe, 0x00]).status,
        400
    );
    // Nothing of the requests is left in the served folder.
    let mut names = common::entries(&data);
    names.retain(|n| n != REPLY && n != NOTICE);
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn bodies_time_and_the_queue_are_bounded() {
    let (dir, data) = folder();
    let yaml = std::fs::read(data.join(REPLY)).unwrap();
    {
        let server = serve(dir.path(), &["--max-body", "1", "--time-limit", "0.01"]);
        // The declared length is enough: the body is not read.
        let mut stream = server.connect();
        write!(stream, "POST /api/v1/validate HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: 2097152\r\n\r\n", server.address).unwrap();
        let reply = common::server::read_reply(&mut stream);
        assert_eq!(reply.status, 413);
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("limit")
        );
        let slow = server.post("/api/v1/render?format=pdf", &yaml);
        assert_eq!(slow.status, 504, "{}", slow.text());
        assert!(slow.json()["error"]["message"].is_string());
    }
    let server = serve(dir.path(), &["--jobs", "1", "--queue", "0"]);
    let replies: Vec<_> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| server.post("/api/v1/render?format=pdf,docx", &yaml)))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let busy: Vec<_> = replies.iter().filter(|r| r.status == 503).collect();
    assert!(replies.iter().any(|r| r.status == 200));
    assert!(
        !busy.is_empty(),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(busy[0].header("retry-after"), Some("1"));
    assert!(replies.iter().all(|r| r.status == 200 || r.status == 503));
}

#[test]
fn requests_from_other_sites_and_other_names_are_refused() {
    let (dir, data) = folder();
    let server = serve(dir.path(), &[]);
    let yaml = std::fs::read(data.join(REPLY)).unwrap();
    let rebound = server.raw(
        "GET",
        "/",
        &[("Host", &format!("attacker.example:{}", server.port()))],
        b"",
    );
    assert_eq!(rebound.status, 421);
    let other_port = server.raw("GET", "/", &[("Host", "127.0.0.1:1")], b"");
    assert_eq!(other_port.status, 421);
    let here = format!("http://{}", server.address);
    let from_here = server.request(
        "POST",
        "/api/v1/validate",
        &[("Origin", &here), ("Sec-Fetch-Site", "same-origin")],
        &yaml,
    );
    assert_eq!(from_here.status, 200);
    let forged = server.request(
        "POST",
        "/api/v1/validate",
        &[("Origin", "http://attacker.example")],
        &yaml,
    );
    assert_eq!(forged.status, 403);
    let cross = server.request(
        "PUT",
        &format!("/api/v1/documents/{REPLY}"),
        &[("Sec-Fetch-Site", "cross-site"), ("If-Match", "x")],
        b"kind: notice\n",
    );
    assert_eq!(cross.status, 403);
    assert_eq!(std::fs::read(data.join(REPLY)).unwrap(), yaml);
}

#[test]
fn with_a_token_nobody_gets_in_without_it() {
    let (dir, data) = folder();
    let server = serve(dir.path(), &["--token", "s3cret-token"]);
    assert_eq!(server.token.as_deref(), Some("s3cret-token"));
    let yaml = std::fs::read(data.join(REPLY)).unwrap();
    assert_eq!(server.get("/").status, 401);
    assert_eq!(server.get("/api/v1/documents").status, 401);
    assert_eq!(
        server
            .request("GET", "/", &[("Authorization", "Bearer wrong")], b"")
            .status,
        401
    );
    assert_eq!(
        server
            .request("GET", "/", &[("Authorization", "Bearer s3cret-token")], b"")
            .status,
        200
    );
    assert_eq!(
        server
            .request(
                "POST",
                "/api/v1/validate",
                &[("Authorization", "Bearer s3cret-token")],
                &yaml
            )
            .status,
        200
    );
    let login = server.get("/?token=s3cret-token");
    assert_eq!(login.status, 303);
    let cookie = login.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap();
    assert_eq!(
        server
            .request("GET", "/", &[("Cookie", cookie)], b"")
            .status,
        200
    );
    // A browser's cookie alone does not change anything without the page's own origin.
    assert_eq!(
        server
            .request("POST", "/api/v1/validate", &[("Cookie", cookie)], &yaml)
            .status,
        403
    );
    let here = format!("http://{}", server.address);
    assert_eq!(
        server
            .request(
                "POST",
                "/api/v1/validate",
                &[("Cookie", cookie), ("Origin", &here)],
                &yaml
            )
            .status,
        200
    );
}

#[test]
fn no_name_reaches_a_file_outside_the_folder() {
    let (dir, data) = folder();
    std::os::unix::fs::symlink(dir.path().join("outside.yaml"), data.join("link.yaml")).unwrap();
    let server = serve(dir.path(), &[]);
    let outside = dir.path().join("outside.yaml");
    let before = (
        std::fs::read(&outside).unwrap(),
        std::fs::metadata(&outside).unwrap().modified().unwrap(),
    );
    let attempts = common::server::traversal_attempts();
    assert!(attempts.len() >= 200, "{}", attempts.len());
    for (method, path) in &attempts {
        let reply = server.request(method, path, &[("If-Match", "\"x\"")], b"kind: notice\n");
        assert!(
            !reply.text().contains("OUTSIDE-SECRET") && !reply.text().contains("root:"),
            "{method} {path}"
        );
        let created = reply.status == 201
            && reply.json()["path"]
                .as_str()
                .is_some_and(|p| p.contains(".."));
        assert!(
            !created
                && (reply.status >= 400
                    || path.contains("validate")
                    || path.contains("render")
                    || path.contains("import")),
            "{method} {path}: {}",
            reply.status
        );
    }
    assert_eq!(
        (
            std::fs::read(&outside).unwrap(),
            std::fs::metadata(&outside).unwrap().modified().unwrap()
        ),
        before
    );
    assert!(!dir.path().join("passwd").exists());
    let mut names = common::entries(dir.path());
    names.retain(|n| n != "data" && n != "out" && n != "outside.yaml");
    assert!(names.is_empty(), "nothing beside the folder: {names:?}");
}

#[test]
fn a_stop_signal_ends_the_server_cleanly() {
    let (dir, _) = folder();
    let server = serve(dir.path(), &[]);
    assert_eq!(server.get("/").status, 200);
    assert_eq!(server.stop(), Some(130));
}
