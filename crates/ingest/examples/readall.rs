//! Development helper: reads a path (file, directory, WARC) as `dateline code` would, runs
//! the streaming de-duplicator over the articles, and prints counts and the rate.
//! Usage: `readall PATH [WINDOW]`.
fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).expect("PATH"));
    let window: usize = std::env::args().nth(2).and_then(|w| w.parse().ok()).unwrap_or(1000);
    let t = std::time::Instant::now();
    let (mut articles, mut skipped, mut failed, mut chars) = (0usize, 0usize, 0usize, 0usize);
    let mut dedup = ingest::Deduper::new(window, 100_000);
    let mut canonical = Vec::new();
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    ingest::read_path_all(&path, None, &mut |r| match r {
        ingest::ReadItem::Article(a) => {
            articles += 1;
            chars += a.text.len();
            canonical.extend(dedup.push(a));
        }
        ingest::ReadItem::Skipped(e) => {
            skipped += 1;
            *reasons.entry(e.message.split(" (").next().unwrap_or("").to_string()).or_default() += 1;
        }
        ingest::ReadItem::Failed(e) => {
            failed += 1;
            eprintln!("error: {e}");
        }
    });
    canonical.extend(dedup.finish());
    let secs = t.elapsed().as_secs_f64();
    let groups = canonical.iter().filter(|a| a.num_articles > 1).count();
    println!(
        "{articles} articles ({chars} chars of text), {skipped} skipped {reasons:?}, {failed} failed in {secs:.2} s ({:.0} articles/s, one thread); dedup: {} canonical, {} duplicates in {groups} groups",
        articles as f64 / secs,
        canonical.len(),
        dedup.duplicates()
    );
}
