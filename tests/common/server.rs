//! A real `gongwen serve` for the tests, and a plain HTTP/1.1 client over a socket: the
//! tests send exactly the bytes they mean (a wrong Host, a half body, headers one byte at
//! a time), which a full client library would not let them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub address: String,
    /// The token it printed, when it asks for one.
    pub token: Option<String>,
}

impl Server {
    /// Starts `gongwen serve DIR --port 0 ARGS…` in `cwd` and waits for the address it prints.
    pub fn start(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = super::command();
        command
            .current_dir(cwd)
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("gongwen serve starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut address = None;
        let mut token = None;
        while let Some(Ok(line)) = lines.next() {
            if let Some(at) = line.find("http://") {
                let rest = &line[at + 7..];
                let end = rest.find('/').unwrap_or(rest.len());
                if address.is_none() {
                    address = Some(rest[..end].to_owned());
                }
                if let Some(t) = rest.split("?token=").nth(1) {
                    token = Some(t.split_whitespace().next().unwrap().to_owned());
                    break;
                }
                if !args.contains(&"--listen") && !args.contains(&"--token") {
                    break;
                }
            }
        }
        // The rest of its output is drained, so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut sink);
        });
        let address = address.unwrap_or_else(|| panic!("gongwen serve printed its address"));
        Server {
            child,
            address,
            token,
        }
    }

    pub fn port(&self) -> u16 {
        self.address.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.address).expect("the server accepts");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        stream
    }

    /// A request with the right Host; `headers` are added as they are.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut all = vec![("Host", self.address.as_str())];
        all.extend_from_slice(headers);
        self.raw(method, path, &all, body)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, body: &[u8]) -> Reply {
        self.request("POST", path, &[], body)
    }

    /// A request with exactly these headers (no Host unless given).
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut stream = self.connect();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        read_reply(&mut stream)
    }

    /// Waits until `check` holds, asking again every 50 ms, for at most `limit`.
    pub fn wait_for(&self, limit: Duration, mut check: impl FnMut() -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if check() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// The peak resident memory of the server process, in KiB.
    pub fn peak_memory_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Whether the process still runs (it did not panic and exit).
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Stops the server with SIGTERM, as Ctrl-C would, and returns its exit code.
    pub fn stop(mut self) -> Option<i32> {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        status.code()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("JSON ({e}): {}", self.text()))
    }
}

/// Reads one response to the end of the connection (the requests say `Connection: close`).
pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse_reply(&bytes)
}

pub fn parse_reply(bytes: &[u8]) -> Reply {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "a whole response head: {:?}",
                String::from_utf8_lossy(bytes)
            )
        });
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = bytes[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&bytes[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        out.extend_from_slice(&bytes[start..start + size]);
        bytes = &bytes[start + size + 2..];
    }
    out
}

/// Every way of naming a file outside the folder the tests know, on every route that
/// takes a name; with a link in the folder that leads out.
pub fn traversal_attempts() -> Vec<(&'static str, String)> {
    let names = [
        "../outside.yaml",
        "..%2foutside.yaml",
        "%2e%2e/outside.yaml",
        "%2e%2e%2foutside.yaml",
        "%252e%252e%252foutside.yaml",
        "..%5coutside.yaml",
        "....//outside.yaml",
        "..;/outside.yaml",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "//etc/passwd",
        "link.yaml",
        "sub/../../outside.yaml",
        ".%2e/outside.yaml",
        "%c0%ae%c0%ae/outside.yaml",
        "..%00/outside.yaml",
        "../../../../etc/hostname",
        "data/../../outside.yaml",
        "%2e%2e%5coutside.yaml",
        "..%252foutside.yaml",
        "~/outside.yaml",
        "..%u2216outside.yaml",
        "%2E%2E/outside.yaml",
        "./../outside.yaml",
        "link.yaml/../outside.yaml",
    ];
    let routes = [
        "GET /doc/",
        "GET /api/v1/documents/",
        "PUT /api/v1/documents/",
        "GET /out/",
        "GET /assets/",
        "POST /api/v1/render?name=",
        "POST /api/v1/import?name=",
        "POST /api/v1/validate?name=",
    ];
    let mut attempts = Vec::new();
    for route in routes {
        let (method, prefix) = route.split_once(' ').unwrap();
        for name in names {
            attempts.push((method, format!("{prefix}{name}")));
        }
    }
    attempts
}

/// Reads server-sent events from a connection until one names `path`.
pub fn wait_for_event(events: &mut BufReader<std::net::TcpStream>, path: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        if events.read_line(&mut line).unwrap() == 0 {
            panic!("the event stream ended before an event about {path}");
        }
        if line.starts_with("data:") && line.contains(path) {
            return line;
        }
    }
}

pub fn open_events(server: &Server) -> BufReader<std::net::TcpStream> {
    let mut stream = server.connect();
    write!(
        stream,
        "GET /events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut events = BufReader::new(stream);
    let mut status = String::new();
    events.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    events
}
