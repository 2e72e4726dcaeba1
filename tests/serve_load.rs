//! A bounded load on `gongwen serve`, on 127.0.0.1 only, with fixed counts: 1,000
//! validations and 200 renders at concurrency 8, all answered without error; beside them,
//! clients that send their headers a byte at a time, bodies over the limit, clients that
//! go away mid-upload and 200 attempts to reach a file outside the folder. Afterwards the
//! server still runs, no temporary file of it is left and nothing outside the folder was
//! touched. The numbers it measures (requests per second, p50 and p99 latency, peak memory)
//! are printed, and written to `$GONGWEN_BENCH_OUT` for `make bench`; nothing is asserted
//! about time.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::server::Server;
use common::{manifest_dir, temp_dir};

const REPLY: &str = "proposal-reply-0520.yaml";
const CONCURRENCY: usize = 8;

/// `count` requests made by `CONCURRENCY` threads; the latency of each.
fn load(count: usize, request: impl Fn(usize) -> Duration + Sync) -> (Vec<Duration>, Duration) {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            return mine;
                        }
                        mine.push(request(i));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed();
    latencies.sort();
    (latencies, elapsed)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// What the temporary folder holds.
fn leftovers(tmp: &Path) -> Vec<String> {
    common::entries(tmp)
}

#[test]
fn a_bounded_load_is_answered_and_hostile_clients_are_refused() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::copy(manifest_dir().join("data").join(REPLY), data.join(REPLY)).unwrap();
    std::fs::write(
        dir.path().join("outside.yaml"),
        "kind: notice\n# OUTSIDE-SECRET\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside.yaml"), data.join("link.yaml")).unwrap();
    let outside_before = std::fs::metadata(dir.path().join("outside.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    let tmp_text = tmp.to_str().unwrap().to_owned();
    let mut server = Server::start(
        dir.path(),
        &["data", "--queue", "64", "--header-time-limit", "1"],
        &[("TMPDIR", tmp_text.as_str())],
    );
    let valid = std::fs::read(data.join(REPLY)).unwrap();
    let invalid = String::from_utf8(valid.clone())
        .unwrap()
        .replace("date: 2024-06-06", "date: 2024-13-45")
        .into_bytes();

    // Clients that send their headers a byte at a time, all through the load: each is cut
    // off by the header time limit, none holds a worker.
    let slow_cut = AtomicUsize::new(0);
    let (validations, renders) = std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let mut stream = server.connect();
                let head = format!(
                    "POST /api/v1/validate HTTP/1.1\r\nHost: {}\r\nContent-Length: 5\r\n\r\nkind:",
                    server.address
                );
                let started = Instant::now();
                for byte in head.bytes() {
                    if stream.write_all(&[byte]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(150));
                    if started.elapsed() > Duration::from_secs(30) {
                        break;
                    }
                }
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
                let answered = String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200");
                if !answered && started.elapsed() < Duration::from_secs(30) {
                    slow_cut.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let validations = load(1000, |i| {
            let body = if i % 4 == 0 { &invalid } else { &valid };
            let started = Instant::now();
            let reply = server.post(&format!("/api/v1/validate?name=load-{i}"), body);
            let latency = started.elapsed();
            assert_eq!(reply.status, 200, "validation {i}: {}", reply.text());
            assert_eq!(reply.json()["valid"], i % 4 != 0, "validation {i}");
            latency
        });
        let renders = load(200, |i| {
            let started = Instant::now();
            let reply = server.post(&format!("/api/v1/render?format=pdf&name=load-{i}"), &valid);
            let latency = started.elapsed();
            assert_eq!(reply.status, 200, "render {i}: {}", reply.text());
            assert!(reply.body.starts_with(b"%PDF-"), "render {i}");
            latency
        });
        (validations, renders)
    });
    assert_eq!(
        slow_cut.load(Ordering::Relaxed),
        4,
        "every slow client was cut off"
    );

    // Bodies over the limit: refused from their declared length.
    for _ in 0..20 {
        let mut stream = server.connect();
        write!(stream, "POST /api/v1/render HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n", server.address, 100 << 20).unwrap();
        let _ = stream.write_all(&[b'#'; 65536]);
        let reply = common::server::read_reply(&mut stream);
        assert_eq!(reply.status, 413);
    }
    // Clients that go away in the middle of their upload.
    for i in 0..20 {
        let mut stream = server.connect();
        let path = if i % 2 == 0 {
            "/api/v1/render?format=pdf"
        } else {
            format!("/api/v1/documents/{REPLY}").leak()
        };
        let method = if i % 2 == 0 { "POST" } else { "PUT" };
        write!(stream, "{method} {path} HTTP/1.1\r\nHost: {}\r\nIf-Match: \"x\"\r\nContent-Length: 1000000\r\n\r\n", server.address).unwrap();
        stream.write_all(&valid[..valid.len().min(4000)]).unwrap();
        drop(stream);
    }
    // 200 ways out of the folder.
    let attempts = common::server::traversal_attempts();
    for (method, path) in attempts.iter().take(200) {
        let reply = server.request(method, path, &[("If-Match", "\"x\"")], b"kind: notice\n");
        assert!(!reply.text().contains("OUTSIDE-SECRET"), "{method} {path}");
        assert!(
            reply.status != 201 && reply.status != 500,
            "{method} {path}: {}",
            reply.status
        );
    }

    assert!(server.alive(), "the server survived");
    assert_eq!(server.get("/").status, 200);
    assert_eq!(
        std::fs::read(data.join(REPLY)).unwrap(),
        valid,
        "no upload was half-written"
    );
    assert_eq!(
        std::fs::metadata(dir.path().join("outside.yaml"))
            .unwrap()
            .modified()
            .unwrap(),
        outside_before
    );
    let clean = server.wait_for(Duration::from_secs(30), || leftovers(&tmp).is_empty());
    assert!(clean, "temporary files left: {:?}", leftovers(&tmp));
    let mut beside = common::entries(dir.path());
    beside.retain(|n| !["data", "out", "tmp", "outside.yaml"].contains(&n.as_str()));
    assert!(beside.is_empty(), "{beside:?}");
    let mut in_data = common::entries(&data);
    in_data.retain(|n| n != REPLY && n != "link.yaml");
    assert!(in_data.is_empty(), "{in_data:?}");

    // A save of the 7-page reply to the event that its pages are new: the live update.
    let mut live = Vec::new();
    let url = format!("/api/v1/documents/{REPLY}");
    for i in 0..5 {
        let opened = server.get(&url).json();
        let quoted = format!("\"{}\"", opened["source_hash"].as_str().unwrap());
        // Each save is another text than the one before it.
        let text = String::from_utf8(valid.clone())
            .unwrap()
            .replace("value: 18753", &format!("value: 1875{i}"));
        let mut events = common::server::open_events(&server);
        let started = Instant::now();
        let saved = server.request("PUT", &url, &[("If-Match", &quoted)], text.as_bytes());
        assert_eq!(saved.status, 200, "{}", saved.text());
        common::server::wait_for_event(&mut events, REPLY);
        live.push(started.elapsed());
    }
    live.sort();
    std::fs::write(data.join(REPLY), &valid).unwrap();

    let memory = server.peak_memory_kib();
    let report = format!(
        "validate: {} requests, {:.1} req/s, p50 {:.1} ms, p99 {:.1} ms\n\
         render (pdf): {} requests, {:.2} req/s, p50 {:.1} ms, p99 {:.1} ms\n\
         save to new pages (7-page reply, live event): median {:.0} ms of {}\n\
         peak memory of the server: {:.1} MiB\n",
        validations.0.len(),
        validations.0.len() as f64 / validations.1.as_secs_f64(),
        percentile(&validations.0, 0.5),
        percentile(&validations.0, 0.99),
        renders.0.len(),
        renders.0.len() as f64 / renders.1.as_secs_f64(),
        percentile(&renders.0, 0.5),
        percentile(&renders.0, 0.99),
        percentile(&live, 0.5),
        live.len(),
        memory as f64 / 1024.0,
    );
    println!("{report}");
    if let Some(out) = std::env::var_os("GONGWEN_BENCH_OUT") {
        std::fs::write(out, &report).unwrap();
    }
}
