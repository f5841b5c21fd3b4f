//! A closed-loop HTTP load generator for `bench/serve_load.sh`: N clients, each
//! sending the next request of a list as soon as the previous answer has been
//! read in full, for a fixed time; prints queries per second and latency
//! percentiles per concurrency, as a table and as JSON lines.
//!
//! ```text
//! cargo bench --bench serve_load -- --base http://127.0.0.1:7700 --paths PATHS \
//!     [--clients 1,4,16,64] [--seconds 10] [--warmup 2] [--header NAME:VALUE] [--label L]
//! ```
//!
//! PATHS holds one request path per line (`/api/search?q=economy`); client `i`
//! starts at line `i` and goes round the list. Any status other than 200 is
//! counted as an error (and reported), not as a latency.

use std::io::BufRead;
use std::time::{Duration, Instant};

struct Args {
    base: String,
    paths: Vec<String>,
    clients: Vec<usize>,
    seconds: f64,
    warmup: f64,
    header: Option<(String, String)>,
    label: String,
}

fn parse_args() -> Args {
    let mut args = std::env::args().skip(1);
    let mut base = None;
    let mut paths_file = None;
    let mut clients = vec![1, 4, 16, 64];
    let mut seconds = 10.0;
    let mut warmup = 2.0;
    let mut header = None;
    let mut label = String::from("server");
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--base" => base = Some(value()),
            "--paths" => paths_file = Some(value()),
            "--clients" => {
                clients = value()
                    .split(',')
                    .map(|n| n.parse().expect("--clients 1,4,16"))
                    .collect()
            }
            "--seconds" => seconds = value().parse().expect("--seconds S"),
            "--warmup" => warmup = value().parse().expect("--warmup S"),
            "--header" => {
                let v = value();
                let (k, v) = v.split_once(':').expect("--header NAME:VALUE");
                header = Some((k.trim().to_string(), v.trim().to_string()));
            }
            "--label" => label = value(),
            // `cargo bench` passes --bench to every bench binary.
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let paths_file = paths_file.expect("--paths FILE");
    let paths: Vec<String> = std::io::BufReader::new(
        std::fs::File::open(&paths_file).unwrap_or_else(|e| panic!("{paths_file}: {e}")),
    )
    .lines()
    .map(|l| l.unwrap())
    .filter(|l| !l.trim().is_empty())
    .collect();
    assert!(!paths.is_empty(), "{paths_file} has no paths");
    Args {
        base: base.expect("--base URL"),
        paths,
        clients,
        seconds,
        warmup,
        header,
        label,
    }
}

/// What one client saw.
#[derive(Default)]
struct Seen {
    latencies_us: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

fn client(args: &Args, start_at: usize, until: Instant, record_from: Instant) -> Seen {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut seen = Seen::default();
    let mut i = start_at;
    loop {
        let now = Instant::now();
        if now >= until {
            break;
        }
        let path = &args.paths[i % args.paths.len()];
        i += 1;
        let mut request = agent.get(format!("{}{path}", args.base));
        if let Some((k, v)) = &args.header {
            request = request.header(k, v);
        }
        let outcome = request.call().map_err(|e| e.to_string()).and_then(|mut r| {
            let status = r.status().as_u16();
            let body = r
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_vec()
                .map_err(|e| e.to_string())?;
            if status == 200 {
                Ok(body.len())
            } else {
                Err(format!(
                    "{status} for {path}: {}",
                    String::from_utf8_lossy(&body)
                ))
            }
        });
        let took = now.elapsed();
        if now < record_from {
            continue;
        }
        match outcome {
            Ok(_) => seen.latencies_us.push(took.as_micros() as u64),
            Err(e) => {
                seen.errors += 1;
                seen.first_error.get_or_insert(e);
            }
        }
    }
    seen
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

fn main() {
    let args = parse_args();
    println!(
        "{:<12} {:>7} {:>10} {:>9} {:>9} {:>9} {:>7}",
        "server", "clients", "queries/s", "p50 ms", "p99 ms", "max ms", "errors"
    );
    let mut json_lines = Vec::new();
    for &n in &args.clients {
        let started = Instant::now();
        let record_from = started + Duration::from_secs_f64(args.warmup);
        let until = record_from + Duration::from_secs_f64(args.seconds);
        let seen: Vec<Seen> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let args = &args;
                    s.spawn(move || client(args, i, until, record_from))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut all: Vec<u64> = seen
            .iter()
            .flat_map(|s| s.latencies_us.iter().copied())
            .collect();
        all.sort_unstable();
        let errors: u64 = seen.iter().map(|s| s.errors).sum();
        let qps = all.len() as f64 / args.seconds;
        let (p50, p99) = (percentile(&all, 50.0), percentile(&all, 99.0));
        let max = all.last().map_or(f64::NAN, |&m| m as f64 / 1000.0);
        println!(
            "{:<12} {:>7} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>7}",
            args.label, n, qps, p50, p99, max, errors
        );
        if let Some(e) = seen.iter().find_map(|s| s.first_error.as_ref()) {
            println!("  first error: {}", e.chars().take(300).collect::<String>());
        }
        json_lines.push(format!(
            "{{\"server\":\"{}\",\"clients\":{n},\"queries\":{},\"seconds\":{},\"qps\":{qps:.1},\"p50_ms\":{p50:.3},\"p99_ms\":{p99:.3},\"max_ms\":{max:.3},\"errors\":{errors}}}",
            args.label,
            all.len(),
            args.seconds
        ));
    }
    for line in json_lines {
        println!("{line}");
    }
}
