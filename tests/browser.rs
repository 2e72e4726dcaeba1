//! `gongwen serve` in a real browser: Debian's Chromium, headless, driven over the DevTools
//! protocol. It opens the index, opens the reply, sees its pages, edits a figure in the
//! page's editor, saves, sees the pages built again with the new figure, puts an error in,
//! sees it at its line, and fixes it. A screenshot of each step is kept in
//! `target/serve-browser/` to be looked at.

mod common;

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::server::Server;
use common::{manifest_dir, temp_dir};
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};

const REPLY: &str = "proposal-reply-0520.yaml";

fn chromium() -> PathBuf {
    let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    path.expect("Chromium not found: `make test` installs Debian's chromium")
}

fn shots() -> PathBuf {
    let dir = manifest_dir().join("target/serve-browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn shoot(tab: &Tab, name: &str) {
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    std::fs::write(shots().join(name), png).unwrap();
}

/// The value of a JavaScript expression in the page.
fn eval(tab: &Tab, expression: &str) -> serde_json::Value {
    tab.evaluate(expression, true)
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Waits until the expression is true in the page (at most two minutes: a debug build on
/// a loaded machine is slow; the time is not what is tested).
fn wait_until(tab: &Tab, expression: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        if eval(tab, expression) == serde_json::Value::Bool(true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("never true in the page: {expression}");
}

/// Selects `old` in the editor and types `new` over it, as a user would.
fn retype(tab: &Tab, old: &str, new: &str) {
    let found = eval(
        tab,
        &format!(
            "(() => {{ const s = document.getElementById('source'); const i = s.value.indexOf({old:?}); \
             if (i < 0) return false; s.focus(); s.setSelectionRange(i, i + {len}); return true; }})()",
            len = old.chars().count()
        ),
    );
    assert_eq!(found, serde_json::Value::Bool(true), "{old} in the editor");
    tab.type_str(new).unwrap();
}

fn save(tab: &Tab) {
    tab.find_element("#save").unwrap().click().unwrap();
    wait_until(tab, "document.body.dataset.saved === '200'");
    eval(tab, "delete document.body.dataset.saved");
}

#[test]
fn a_user_edits_a_reply_in_the_browser_and_sees_it_rebuilt() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for name in [REPLY, "notice-2024-sme-evaluation.yaml"] {
        std::fs::copy(manifest_dir().join("data").join(name), data.join(name)).unwrap();
    }
    let server = Server::start(dir.path(), &["data", "--lang", "zh"], &[]);
    let profile = dir.path().join("chromium-profile");
    let options = LaunchOptions::default_builder()
        .path(Some(chromium()))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1400, 1000)))
        .user_data_dir(Some(profile))
        .idle_browser_timeout(Duration::from_secs(600))
        .args(
            [
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ]
            .iter()
            .map(OsStr::new)
            .collect(),
        )
        .build()
        .unwrap();
    let browser = Browser::new(options).expect("Chromium starts");
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(120));

    // The index: both documents, with their kinds and states.
    let base = format!("http://{}", server.address);
    tab.navigate_to(&format!("{base}/"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("#documents tbody tr").unwrap();
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#documents tbody tr').length"
        ),
        2
    );
    let rows = eval(&tab, "document.querySelector('#documents tbody').innerText").to_string();
    assert!(
        rows.contains("第0520号提案的答复") && rows.contains("有效"),
        "{rows}"
    );
    // The filter hides what does not match.
    tab.find_element("#filter").unwrap().click().unwrap();
    tab.type_str("通知").unwrap();
    wait_until(
        &tab,
        "[...document.querySelectorAll('#documents tbody tr')].filter(r => !r.hidden).length === 1",
    );
    shoot(&tab, "1-index.png");

    // The reply: its seven pages, drawn.
    tab.navigate_to(&format!("{base}/doc/{REPLY}"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    wait_until(&tab, "document.querySelectorAll('#pages img').length === 7");
    wait_until(
        &tab,
        "[...document.querySelectorAll('#pages img')].every(i => i.complete && i.naturalWidth > 500)",
    );
    wait_until(
        &tab,
        "document.getElementById('source').value.includes('kind: proposal-reply')",
    );
    let before_version = eval(&tab, "document.body.dataset.version");
    let before_pages = eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#pages img')].map(i => i.src))",
    );
    let drawn = |urls: &serde_json::Value| -> Vec<Vec<u8>> {
        let urls: Vec<String> = serde_json::from_str(urls.as_str().unwrap()).unwrap();
        urls.iter()
            .map(|u| server.get(u.trim_start_matches(&base)).body)
            .collect()
    };
    let old = drawn(&before_pages);
    // The help of the field under the cursor, from the schema.
    retype(&tab, "date: ", "date: ");
    wait_until(
        &tab,
        "document.getElementById('help').innerText.includes('答复日期')",
    );
    shoot(&tab, "2-document.png");

    // A figure edited in the page and saved: the pages are built again, live.
    retype(&tab, "18753", "18999");
    wait_until(
        &tab,
        "document.getElementById('status').innerText.includes('未保存')",
    );
    save(&tab);
    wait_until(
        &tab,
        &format!("document.body.dataset.version !== {before_version}"),
    );
    wait_until(
        &tab,
        "[...document.querySelectorAll('#pages img')].every(i => i.complete && i.naturalWidth > 500)",
    );
    let after_pages = eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#pages img')].map(i => i.src))",
    );
    assert_ne!(before_pages, after_pages, "the pages were drawn again");
    let on_disk = std::fs::read_to_string(data.join(REPLY)).unwrap();
    assert!(on_disk.contains("value: 18999"), "{on_disk}");
    let pdf_link = eval(
        &tab,
        "document.querySelector('#downloads a[data-format=PDF]').getAttribute('href')",
    );
    let pdf = server.get(pdf_link.as_str().unwrap());
    let file = dir.path().join("seen.pdf");
    std::fs::write(&file, &pdf.body).unwrap();
    let text = common::squeezed_pdf_text(&file);
    assert!(text.contains("18999") && !text.contains("18753"), "{text}");
    // The page that shows the figure is another image now; the others are the same.
    let new = drawn(&after_pages);
    let differing = old.iter().zip(&new).filter(|(a, b)| a != b).count();
    assert!((1..7).contains(&differing), "{differing} pages changed");
    let changed = old.iter().zip(&new).position(|(a, b)| a != b).unwrap();
    eval(
        &tab,
        &format!("document.querySelectorAll('#pages img')[{changed}].scrollIntoView()"),
    );
    shoot(&tab, "3-changed-page.png");
    eval(&tab, "window.scrollTo(0, 0)");
    shoot(&tab, "3-edited.png");

    // An error: shown at its line, in the list and in the editor's gutter.
    retype(&tab, "date: 2024-06-06", "date: 2024-13-45");
    save(&tab);
    wait_until(
        &tab,
        "document.querySelectorAll('#problems li.error').length > 0",
    );
    let line = on_disk
        .lines()
        .position(|l| l.starts_with("date:"))
        .unwrap()
        + 1;
    let listed = eval(
        &tab,
        "document.querySelector('#problems li.error').innerText",
    )
    .to_string();
    assert!(listed.contains(&format!("{REPLY}:{line}:")), "{listed}");
    let marked = eval(
        &tab,
        &format!("document.querySelector('#gutter [data-line=\"{line}\"]').className"),
    );
    assert_eq!(marked, "error");
    assert_eq!(
        eval(&tab, "document.getElementById('state').className"),
        "state errors"
    );
    shoot(&tab, "4-error.png");

    // Fixed: no problem left.
    retype(&tab, "date: 2024-13-45", "date: 2024-06-06");
    save(&tab);
    wait_until(
        &tab,
        "document.querySelectorAll('#problems li').length === 0",
    );
    assert_eq!(
        eval(&tab, "document.getElementById('state').className"),
        "state valid"
    );
    wait_until(&tab, "document.querySelectorAll('#pages img').length === 7");
    shoot(&tab, "5-fixed.png");
}
