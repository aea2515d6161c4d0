//! The smallest language-server client that asks where a name is declared: JSON-RPC over
//! the server's stdin and stdout. One session per question: start the server in the
//! project's folder, `initialize`, open the document (its text is sent, so it need not
//! exist on disk), `textDocument/declaration`, `shutdown`, `exit`. Requests the server
//! sends meanwhile (configuration, registrations, progress) are answered with nothing.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};

/// For the server to answer `shutdown`, then to exit.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// An empty answer is asked again: a server may answer before its first analysis.
const RETRIES: u32 = 3;
const RETRY_PAUSE: Duration = Duration::from_millis(200);

/// A running server and the messages it sent that were not read yet.
struct Session {
    child: Child,
    stdin: ChildStdin,
    inbox: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    last_id: i64,
}

impl Session {
    fn start(mut command: Command) -> Result<Self> {
        let program = command.get_program().to_string_lossy().into_owned();
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().with_context(|| format!("{program} does not start"))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{program}: no pipes to talk to it");
        };
        let (sender, inbox) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        // Kept (the end of it) for a failure's message; drained so the server never blocks.
        let kept = Arc::new(Mutex::new(String::new()));
        let writer = Arc::clone(&kept);
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stderr).lines();
            while let Some(Ok(line)) = lines.next() {
                if let Ok(mut text) = writer.lock() {
                    text.push_str(&line);
                    text.push('\n');
                    let excess = text.len().saturating_sub(4000);
                    if excess > 0 {
                        let cut =
                            text.char_indices().find(|(i, _)| *i >= excess).map_or(0, |c| c.0);
                        text.drain(..cut);
                    }
                }
            }
        });
        Ok(Self { child, stdin, inbox, stderr: kept, last_id: 0 })
    }

    fn send(&mut self, message: Value) -> Result<()> {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| anyhow!("the server stopped reading ({e}){}", self.tail()))
    }

    fn notify(&mut self, method: &str, params: Value) -> Result<()> {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request and waits for its answer, answering the server's own requests.
    fn request(&mut self, method: &str, params: Value, timeout: Duration) -> Result<Value> {
        self.last_id += 1;
        let id = self.last_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.inbox.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    bail!("no answer to {method} within {} s", timeout.as_secs())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    bail!("the server exited before answering {method}{}", self.tail())
                }
            };
            if let Some(asked) = message.get("method").and_then(Value::as_str) {
                if let Some(their_id) = message.get("id") {
                    let result = reply(asked, message.get("params"));
                    self.send(json!({"jsonrpc": "2.0", "id": their_id, "result": result}))?;
                }
                continue;
            }
            if message.get("id").and_then(Value::as_i64) == Some(id) {
                if let Some(error) = message.get("error") {
                    bail!("{method}: {error}");
                }
                return Ok(message.get("result").cloned().unwrap_or(Value::Null));
            }
        }
    }

    fn tail(&self) -> String {
        let text = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        text.lines().last().map(|l| format!(": {}", l.trim())).unwrap_or_default()
    }

    /// Shuts the server down politely; kills it (only it) when it does not exit.
    fn close(mut self) {
        if matches!(self.child.try_wait(), Ok(None))
            && self.request("shutdown", Value::Null, SHUTDOWN_TIMEOUT).is_ok()
        {
            let _ = self.notify("exit", Value::Null);
        }
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The answer to a request from the server: a null for each configuration item asked.
fn reply(method: &str, params: Option<&Value>) -> Value {
    if method == "workspace/configuration" {
        let items = params.and_then(|p| p.get("items")).and_then(Value::as_array);
        return Value::Array(vec![Value::Null; items.map_or(0, Vec::len)]);
    }
    Value::Null
}

/// One framed message (None at the end of the output or on a malformed frame).
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length: Option<usize> = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Where the server started by `command` (in `root`) declares the name at `line`,
/// `character` (0-based) of `document` holding `text`.
pub fn declaration(
    command: Command,
    root: &Path,
    document: &Path,
    text: &str,
    line: u32,
    character: u32,
    timeout: Duration,
) -> Result<Vec<PathBuf>> {
    let mut session = Session::start(command)?;
    let asked = ask_declaration(&mut session, root, document, text, line, character, timeout);
    session.close();
    asked
}

fn ask_declaration(
    session: &mut Session,
    root: &Path,
    document: &Path,
    text: &str,
    line: u32,
    character: u32,
    timeout: Duration,
) -> Result<Vec<PathBuf>> {
    let root_uri = file_uri(root);
    let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    session.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": name}],
            "capabilities": {"textDocument": {"declaration": {"linkSupport": false}}},
        }),
        timeout,
    )?;
    session.notify("initialized", json!({}))?;
    let uri = file_uri(document);
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    )?;
    let position =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let mut found = Vec::new();
    for attempt in 0..RETRIES {
        if attempt > 0 {
            std::thread::sleep(RETRY_PAUSE);
        }
        found =
            locations(&session.request("textDocument/declaration", position.clone(), timeout)?);
        if !found.is_empty() {
            break;
        }
    }
    Ok(found)
}

/// The files of a declaration answer: a Location, a list of Locations or LocationLinks, null.
pub fn locations(result: &Value) -> Vec<PathBuf> {
    let items = match result {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        single => vec![single],
    };
    items
        .into_iter()
        .filter_map(|item| item.get("uri").or_else(|| item.get("targetUri"))?.as_str())
        .filter_map(uri_path)
        .collect()
}

/// `file:///a%20b` from `/a b`.
pub fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from(if text.starts_with('/') { "file://" } else { "file:///" });
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~:".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// The local path of a `file://` URI (None for any other scheme).
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(decoded).ok()?;
    // `file:///C:/x` on Windows.
    let text = match text.strip_prefix('/') {
        Some(windows) if cfg!(windows) && windows.get(1..2) == Some(":") => windows.to_owned(),
        _ => text,
    };
    Some(PathBuf::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let path = Path::new("/tmp/a b/ü.pyi");
        let uri = file_uri(path);
        assert_eq!(uri, "file:///tmp/a%20b/%C3%BC.pyi");
        assert_eq!(uri_path(&uri).unwrap(), path);
        assert_eq!(uri_path("untitled:x"), None);
    }

    #[test]
    fn reads_locations_and_links() {
        let single = json!({"uri": "file:///a.pyi", "range": {}});
        assert_eq!(locations(&single), vec![PathBuf::from("/a.pyi")]);
        let links = json!([{"targetUri": "file:///b.pyi"}]);
        assert_eq!(locations(&links), vec![PathBuf::from("/b.pyi")]);
        assert!(locations(&Value::Null).is_empty());
    }

    #[test]
    fn reads_framed_messages() {
        let body = r#"{"id":1,"result":null}"#;
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let mut reader = BufReader::new(framed.as_bytes());
        assert_eq!(read_message(&mut reader).unwrap()["id"], 1);
        assert!(read_message(&mut reader).is_none());
    }
}
