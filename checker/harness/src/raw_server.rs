//! A loopback HTTP server of our own, for what httpmock cannot tell a test:
//! when each connection arrived (a blocking call between requests spreads
//! them out), and whether the client hung up on a request it gave up on.
//!
//! Each connection gets a thread; the server notes when the connection was
//! accepted — the client's connect, issued on the request future's first
//! poll — and when the client closed it.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    sync::{Arc, Mutex},
    time::Instant,
};

/// How the server answers each request.
#[derive(Debug, Clone, Copy)]
pub enum Reply {
    /// `200 OK` with this body, then the connection is closed.
    Ok(&'static str),
    /// Never: the request is read and left unanswered, until the client
    /// hangs up.
    Never,
}

/// What happened to one connection.
#[derive(Debug, Clone, Copy)]
pub struct Connection {
    /// When the server accepted it.
    pub accepted: Instant,
    /// When the client closed it, if it did.
    pub closed: Option<Instant>,
}

/// A running server; it lives as long as the test process.
pub struct RawServer {
    /// `http://127.0.0.1:<port>/`.
    pub url: String,
    connections: Arc<Mutex<Vec<Connection>>>,
}

impl RawServer {
    /// Starts a server answering every request with `reply`.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub fn start(reply: Reply) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let connections = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let accepted = Instant::now();
                let index = {
                    let mut connections = shared.lock().expect("no poisoned log");
                    connections.push(Connection {
                        accepted,
                        closed: None,
                    });
                    connections.len() - 1
                };
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    serve(stream, reply);
                    shared.lock().expect("no poisoned log")[index].closed = Some(Instant::now());
                });
            }
        });
        RawServer {
            url: format!("http://127.0.0.1:{port}/"),
            connections,
        }
    }

    /// Every connection so far, in the order they were accepted.
    pub fn connections(&self) -> Vec<Connection> {
        self.connections.lock().expect("no poisoned log").clone()
    }

    /// How far apart the first and the last connection arrived, in
    /// milliseconds (0 with fewer than two).
    pub fn arrival_spread_ms(&self) -> u128 {
        let connections = self.connections();
        match (connections.first(), connections.last()) {
            (Some(first), Some(last)) => last.accepted.duration_since(first.accepted).as_millis(),
            _ => 0,
        }
    }
}

/// Reads the request head, answers as `reply` says, then reads until the
/// client closes the connection (or it fails).
fn serve(mut stream: TcpStream, reply: Reply) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
    if let Reply::Ok(body) = reply {
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
    while let Ok(read) = stream.read(&mut buffer) {
        if read == 0 {
            return;
        }
    }
}
