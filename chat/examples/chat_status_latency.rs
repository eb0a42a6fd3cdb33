//! How long `chat status` takes, step by step, on an existing data directory:
//! `cargo run -p orientation-chat --example chat_status_latency -- DATA_DIR HOMESERVER_URL [RUNS]`
//! (the data directory of `orientation --data-dir DATA_DIR chat send …`). Prints the time to open the
//! chat (store passphrase, SQLite), to probe the connection (one request) and to read the status.

fn main() {
    use orientation_chat::{Chat, ChatConfig, FileSessionStore};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(url)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: chat_status_latency DATA_DIR HOMESERVER_URL [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(5);
    let rt = tokio::runtime::Runtime::new().expect("tokio");
    rt.block_on(async {
        for _ in 0..runs {
            let t0 = Instant::now();
            let key = orientation_core::db::crypt::UserKey::load_or_create_file(
                &std::path::Path::new(dir).join("user.key"),
            )
            .expect("key");
            let config = ChatConfig::new(url.as_str(), "@conseil:localhost", dir.as_str(), key);
            let sessions = Arc::new(FileSessionStore::new(
                std::path::Path::new(dir).join("chat-session.json"),
            ));
            let chat = Chat::open(config, sessions).await.expect("open");
            let t1 = Instant::now();
            let state = chat.check_connection(Duration::from_millis(800)).await;
            let t2 = Instant::now();
            let status = chat.status().expect("status");
            let t3 = Instant::now();
            println!(
                "open {:.1} ms, probe {:.1} ms ({state:?}), status {:.2} ms, pending {}",
                (t1 - t0).as_secs_f64() * 1000.0,
                (t2 - t1).as_secs_f64() * 1000.0,
                (t3 - t2).as_secs_f64() * 1000.0,
                status.pending
            );
        }
    });
}
