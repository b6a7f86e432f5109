//! A tiny real SMTP server on 127.0.0.1 for the e-mail tests: std `TcpListener`, one thread
//! per connection, no TLS, no auth. It answers 220, EHLO/HELO 250, MAIL/RCPT 250, DATA 354
//! and reads to "\r\n.\r\n", QUIT 221, anything else 250, and records every accepted message.
//! `stop` closes the port (connections are refused, as with a server that is down);
//! `restart` listens on the same port again and keeps what was received before.

use base64::Engine as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The DATA section, dot-unstuffed, CRLF line ends.
    pub data: String,
}

pub struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    running: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let mut sink =
            SmtpSink { port: 0, received: Arc::default(), running: Arc::new(AtomicBool::new(false)), thread: None };
        sink.listen(TcpListener::bind("127.0.0.1:0").expect("bind the sink"));
        sink
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Closes the listening socket; connections are refused until `restart`.
    pub fn stop(&mut self) {
        self.running.store(false, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("sink thread");
        }
    }

    /// Listens on the same port again (std sets SO_REUSEADDR on Unix).
    pub fn restart(&mut self) {
        self.stop();
        self.listen(TcpListener::bind(("127.0.0.1", self.port)).expect("rebind the sink's port"));
    }

    fn listen(&mut self, listener: TcpListener) {
        self.port = listener.local_addr().expect("address").port();
        // Non-blocking accept polled every few ms, so `stop` needs no wake-up connection.
        listener.set_nonblocking(true).expect("non-blocking");
        let running = Arc::new(AtomicBool::new(true));
        self.running = running.clone();
        let received = self.received.clone();
        self.thread = Some(std::thread::spawn(move || {
            while running.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let received = received.clone();
                        std::thread::spawn(move || {
                            let _ = serve(stream, &received);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }));
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(stream: TcpStream, received: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink ESMTP\r\n")?;
    let (mut mail_from, mut rcpt_to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250 sink\r\n")?,
            "MAIL" => {
                mail_from = line.trim_end().to_owned();
                rcpt_to.clear();
                out.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                rcpt_to.push(line.trim_end().to_owned());
                out.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(()); // cut off mid-message: nothing accepted
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
                }
                received.lock().unwrap().push(Received {
                    mail_from: mail_from.clone(),
                    rcpt_to: rcpt_to.clone(),
                    data,
                });
                out.write_all(b"250 OK queued\r\n")?;
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"250 OK\r\n")?,
        }
    }
}

impl Received {
    /// A header's value, unfolded; None if absent.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(current) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    current.push_str(line);
                    continue;
                }
                break;
            }
            if let Some((key, rest)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                value = Some(rest.trim_start().to_owned());
            }
        }
        value
    }

    /// The Subject header with its RFC 2047 `=?utf-8?b?...?=` words decoded. Bytes are joined
    /// before decoding: an encoder may split one character across two words.
    pub fn subject(&self) -> String {
        let raw = self.header("Subject").expect("a Subject header");
        let mut bytes = Vec::new();
        for word in raw.split_whitespace() {
            match word.strip_prefix("=?utf-8?b?").or_else(|| word.strip_prefix("=?UTF-8?B?")) {
                Some(encoded) => bytes.extend(
                    base64::engine::general_purpose::STANDARD
                        .decode(encoded.trim_end_matches("?="))
                        .expect("base64 word"),
                ),
                None => {
                    if !bytes.is_empty() {
                        bytes.push(b' ');
                    }
                    bytes.extend(word.as_bytes());
                }
            }
        }
        String::from_utf8(bytes).expect("utf-8 subject")
    }

    /// The body, base64-decoded (the sender always uses base64), with the CRLF line ends that
    /// mail requires turned back into "\n".
    pub fn body(&self) -> String {
        assert_eq!(self.header("Content-Transfer-Encoding").as_deref(), Some("base64"));
        let encoded: String =
            self.data.split_once("\r\n\r\n").expect("a body").1.chars().filter(|c| !c.is_whitespace()).collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(encoded).expect("base64 body"))
            .expect("utf-8 body")
            .replace("\r\n", "\n")
    }

    pub fn message_id(&self) -> String {
        self.header("Message-ID").expect("a Message-ID")
    }
}
