//! Issue 16, faults: the network between till and server broken by a
//! fault injector the test starts itself — a TCP proxy in front of the
//! real server that can add latency, refuse (drop at once) a connection,
//! or pass the request to the server and cut the connection before the
//! answer comes back (the classic "unknown commit result": the sale is
//! stored, the till does not know). The real `ocop-till` sends through it;
//! whatever the faults, every sale is stored once.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ocop_e2e::TestApp;

use super::faults::{
    assert_exactly_once, drain, pairs, sell_twice_and_sync, till_sales, two_tills,
};
use crate::till_common::*;

/// What the proxy does to the next connections.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// Passes everything.
    None,
    /// Holds each chunk 150 ms in both directions.
    Latency,
    /// Closes the connection as soon as it is accepted.
    Drop,
    /// Passes the request; reads the whole answer from the server and
    /// closes the till's connection without passing a byte of it.
    CutBeforeAnswer,
}

const FAULTS: [Fault; 4] = [
    Fault::None,
    Fault::Latency,
    Fault::Drop,
    Fault::CutBeforeAnswer,
];

/// A TCP proxy on a port of its own, in front of `upstream`.
struct Proxy {
    port: u16,
    /// Index into [`FAULTS`].
    fault: Arc<AtomicUsize>,
    /// Answers the proxy swallowed (cut before they reached the till).
    swallowed: Arc<AtomicUsize>,
}

impl Proxy {
    fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let fault = Arc::new(AtomicUsize::new(0));
        let swallowed = Arc::new(AtomicUsize::new(0));
        let (f, sw) = (Arc::clone(&fault), Arc::clone(&swallowed));
        // Ends with the test process (the listener is never closed before).
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let fault = FAULTS[f.load(Ordering::SeqCst)];
                let sw = Arc::clone(&sw);
                std::thread::spawn(move || serve(client, upstream, fault, &sw));
            }
        });
        Proxy {
            port,
            fault,
            swallowed,
        }
    }

    fn set(&self, fault: Fault) {
        let at = FAULTS.iter().position(|f| *f == fault).unwrap();
        self.fault.store(at, Ordering::SeqCst);
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn serve(client: TcpStream, upstream: u16, fault: Fault, swallowed: &AtomicUsize) {
    if fault == Fault::Drop {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let delay = (fault == Fault::Latency).then(|| Duration::from_millis(150));
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let up = std::thread::spawn(move || pump(&mut c_read, &mut s_write, delay));
    let (mut s_read, mut c_write) = (server, client);
    if fault == Fault::CutBeforeAnswer {
        // The server answers (so it has committed); the till never hears.
        let mut buf = [0u8; 4096];
        if let Ok(n) = s_read.read(&mut buf)
            && n > 0
        {
            swallowed.fetch_add(1, Ordering::SeqCst);
        }
        let _ = c_write.shutdown(Shutdown::Both);
        let _ = s_read.shutdown(Shutdown::Both);
    } else {
        pump(&mut s_read, &mut c_write, delay);
    }
    let _ = up.join();
}

/// Copies until either side closes.
fn pump(from: &mut TcpStream, to: &mut TcpStream, delay: Option<Duration>) {
    let mut buf = [0u8; 8192];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_or_slow_network_between_till_and_server_stores_every_sale_once() {
    let app = TestApp::spawn_demo().await;
    let upstream: u16 = app.base.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = Proxy::start(upstream);
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, cfgs) = two_tills(&app.base, tmp.path()).await;
    for dir in &dirs {
        point_at(dir, &proxy.url());
    }
    let till_ids: Vec<i32> = cfgs.iter().map(|c| c.till_id).collect();
    let code = scan_codes(&dirs[0], 1).remove(0);

    // Each fault in turn, twice, both tills selling and syncing through it.
    for round in 0..8 {
        let fault = FAULTS[round % FAULTS.len()];
        proxy.set(fault);
        let workers = sell_twice_and_sync(&dirs, &code);
        for w in workers {
            let report = w.join().unwrap();
            eprintln!("round {round} ({fault:?}): {report:?}");
        }
    }
    assert!(
        proxy.swallowed.load(Ordering::SeqCst) > 0,
        "some answers were cut after the server committed"
    );

    // The network healed: everything drains.
    proxy.set(Fault::None);
    drain(&dirs);
    let tills = pairs(&dirs, &till_ids);
    for (dir, _) in &tills {
        assert_eq!(till_sales(dir).len(), 16);
    }
    assert_exactly_once(&app.db, &app.test_db.url, &tills, 1).await;
}
