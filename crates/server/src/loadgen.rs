//! A small, bounded HTTP/1.1 load generator for loopback benchmarks: N closed-loop clients on
//! keep-alive connections, each cycling through a list of paths until a deadline (and at most
//! `max_requests` each). Only loopback addresses are accepted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// What a load run measured.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Completed requests.
    pub requests: u64,
    /// Responses with a status other than 200, or failed connections.
    pub errors: u64,
    /// Wall time of the run.
    pub seconds: f64,
    /// Latency percentiles in milliseconds: p50, p90, p99, max.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest request.
    pub max: f64,
}

fn one(stream: &mut BufReader<TcpStream>, host: &str, path: &str) -> std::io::Result<u16> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n");
    stream.get_mut().write_all(req.as_bytes())?;
    let mut line = String::new();
    stream.read_line(&mut line)?;
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut len = 0usize;
    loop {
        line.clear();
        if stream.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body)?;
    Ok(status)
}

/// Runs `clients` clients against `addr` (must be loopback) for `duration`.
pub fn run(addr: SocketAddr, paths: &[String], clients: usize, duration: Duration, max_requests: u64) -> std::io::Result<Report> {
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "load generator targets loopback only"));
    }
    if paths.is_empty() {
        return Ok(Report::default());
    }
    let start = Instant::now();
    let deadline = start + duration;
    let host = addr.to_string();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let paths = paths.to_vec();
            let host = host.clone();
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut errors = 0u64;
                let mut conn: Option<BufReader<TcpStream>> = None;
                let mut i = c;
                while Instant::now() < deadline && (lat.len() as u64) < max_requests {
                    if conn.is_none() {
                        match TcpStream::connect(addr) {
                            Ok(s) => {
                                s.set_nodelay(true).ok();
                                s.set_read_timeout(Some(Duration::from_secs(10))).ok();
                                conn = Some(BufReader::new(s));
                            }
                            Err(_) => {
                                errors += 1;
                                std::thread::sleep(Duration::from_millis(10));
                                continue;
                            }
                        }
                    }
                    let path = &paths[i % paths.len()];
                    i += clients;
                    let t = Instant::now();
                    match one(conn.as_mut().expect("connected"), &host, path) {
                        Ok(200) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                        Ok(_) => {
                            errors += 1;
                            lat.push(t.elapsed().as_secs_f64() * 1000.0);
                        }
                        Err(_) => {
                            errors += 1;
                            conn = None;
                        }
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        if let Ok((l, e)) = h.join() {
            all.extend(l);
            errors += e;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| if all.is_empty() { 0.0 } else { all[((all.len() as f64 * p) as usize).min(all.len() - 1)] };
    Ok(Report { requests: all.len() as u64, errors, seconds, p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: all.last().copied().unwrap_or(0.0) })
}
