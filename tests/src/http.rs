//! Small helpers for the local HTTP servers of the harness.

use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Serves `router` on 127.0.0.1 on a free port until the test ends.
pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("local server");
    });
    addr
}

/// A free port on 127.0.0.1 for a child process to listen on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
