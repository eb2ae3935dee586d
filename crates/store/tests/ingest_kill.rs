//! `dateline ingest` is idempotent and survives SIGKILL: a run killed mid-way and run again
//! ends with exactly the events of an uninterrupted run, and a third run stores nothing new.
//!
//! Spawns the release binary (`target/release/dateline`, or `$DATELINE_BIN`); skips with a
//! message when it has not been built (`cargo build --release -p dateline`).

use rusqlite::Connection;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn binary() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("DATELINE_BIN") {
        return Some(PathBuf::from(p));
    }
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/release/dateline"));
    p.exists().then_some(p)
}

/// Articles written for this test: short political news items with varied actors and verbs.
fn write_articles(path: &Path, n: usize) {
    let actors = [
        ("Russian Foreign Minister Sergei Lavrov", "Syrian President Bashar al-Assad"),
        ("French President", "German Chancellor"),
        ("Turkish troops", "Kurdish rebels"),
        ("Israeli police", "Palestinian protesters"),
        ("The United Nations", "the government of Sudan"),
        ("Indian Prime Minister", "Pakistani officials"),
    ];
    let verbs = ["met", "criticized", "attacked", "praised", "accused", "thanked", "threatened"];
    let places = ["Damascus", "Paris", "Ankara", "Jerusalem", "Khartoum", "New Delhi"];
    let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    let mut f = std::fs::File::create(path).unwrap();
    for i in 0..n {
        let (a, b) = actors[i % actors.len()];
        let v = verbs[(i / 6) % verbs.len()];
        let p = places[(i / 3) % places.len()];
        let d = days[i % days.len()];
        let text = format!(
            "{a} {v} {b} in {p} on {d}, officials said in report number {i}. The talks followed weeks of tension. \
             Later, {b} {} {a} over the dispute.",
            verbs[(i + 3) % verbs.len()]
        );
        let day = 1 + (i % 28);
        let line = serde_json::json!({"id": format!("kill-{i:05}"), "text": text, "date": format!("2021-02-{day:02}")});
        writeln!(f, "{line}").unwrap();
    }
}

fn events(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT a.id, e.idx, e.sentence, e.code, ifnull(e.src_code,''), ifnull(e.tgt_code,''), ifnull(e.date,''),
                    e.ev_start, e.ev_end, e.rule
             FROM events e JOIN articles a ON a.rowid = e.article ORDER BY a.id, e.idx",
        )
        .unwrap();
    let rows = st
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, String>(9)?
            ))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn count(db: &Path, table: &str) -> i64 {
    let c = Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap_or(0)
}

fn ingest(bin: &Path, input: &Path, db: &Path) {
    let out = Command::new(bin).args(["ingest", "-q", "--db"]).arg(db).arg(input).output().unwrap();
    assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn sigkill_mid_ingest_then_rerun_matches_uninterrupted_run() {
    let Some(bin) = binary() else {
        eprintln!("skipping: target/release/dateline not built (cargo build --release -p dateline)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("dateline-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut n = 2000;
    for attempt in 0..4 {
        let input = dir.join(format!("in{attempt}.jsonl"));
        write_articles(&input, n);
        let full = dir.join(format!("full{attempt}.db"));
        let killed = dir.join(format!("killed{attempt}.db"));
        let t = Instant::now();
        ingest(&bin, &input, &full);
        let full_secs = t.elapsed().as_secs_f64();
        let reference = events(&full);
        // Near-duplicate articles are grouped (coded once), so the store holds the canonical
        // articles of the input: at least one, at most all of them.
        let canonical = count(&full, "articles");
        assert!(canonical > 0 && canonical <= n as i64, "{canonical} articles stored of {n}");
        assert!(!reference.is_empty(), "the pipeline coded no events from the test articles");

        // Start again into another store, wait for the first commits, then SIGKILL.
        let mut child = Command::new(&bin)
            .args(["ingest", "-q", "--commit-every", "8", "--db"])
            .arg(&killed)
            .arg(&input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut stored = 0;
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
            if killed.exists() {
                stored = count(&killed, "articles");
                if stored > 0 {
                    break;
                }
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        let partial = count(&killed, "articles");
        if status.success() || partial >= canonical {
            eprintln!("ingest of {n} articles finished ({full_secs:.1} s) before the kill; retrying with more");
            n *= 3;
            continue;
        }
        eprintln!("killed after {partial} of {n} articles (first saw {stored}); uninterrupted run took {full_secs:.1} s");
        // Every stored article is complete: its events equal the reference's.
        let part = events(&killed);
        let all: std::collections::HashSet<&String> = reference.iter().collect();
        assert!(part.iter().all(|e| all.contains(e)), "a partial store holds an event the full run does not");
        ingest(&bin, &input, &killed);
        assert_eq!(count(&killed, "articles"), canonical);
        assert_eq!(events(&killed), reference, "resumed store differs from the uninterrupted one");
        // Idempotent: a third run stores nothing new.
        ingest(&bin, &input, &killed);
        assert_eq!(count(&killed, "articles"), canonical);
        assert_eq!(events(&killed), reference);
        std::fs::remove_dir_all(&dir).ok();
        return;
    }
    panic!("could not kill the ingest mid-way: it always finished first");
}

/// The sample article, ingested and exported as GDELT rows, parses back against
/// ../shared/data/gdelt/events_schema.csv; its Parquet export reads back in pyarrow with the
/// same row count (when python3 with pyarrow is installed).
#[test]
fn sample_article_exports_parse_back() {
    let Some(bin) = binary() else {
        eprintln!("skipping: target/release/dateline not built (cargo build --release -p dateline)");
        return;
    };
    let shared = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    let sample = shared.join("samples/moscowtimes-2020-09-07-lavrov-assad.md");
    let schema = match std::fs::read_to_string(shared.join("data/gdelt/events_schema.csv")) {
        Ok(s) if sample.exists() => s,
        _ => {
            eprintln!("skipping: ../shared (sample article, GDELT schema) not available");
            return;
        }
    };
    let types: Vec<(String, String)> = schema
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut it = l.splitn(3, ',');
            Some((it.next()?.to_string(), it.next()?.to_string()))
        })
        .collect();
    assert_eq!(types.len(), 61);
    let dir = std::env::temp_dir().join(format!("dateline-sample-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("s.db");
    ingest(&bin, &sample, &db);
    let n_events = count(&db, "events");
    assert!(n_events > 0, "no events from the sample article");
    let out = Command::new(&bin).args(["export", "--format", "gdelt", "--db"]).arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = String::from_utf8(out.stdout).unwrap();
    assert_eq!(rows.lines().count() as i64, n_events);
    for row in rows.lines() {
        let c: Vec<&str> = row.split('\t').collect();
        assert_eq!(c.len(), types.len(), "{row}");
        for (v, (name, ty)) in c.iter().zip(&types) {
            if v.is_empty() {
                continue;
            }
            match ty.as_str() {
                "INTEGER" => assert!(v.parse::<i64>().is_ok(), "{name}={v} is not an INTEGER"),
                "FLOAT" => assert!(v.parse::<f64>().is_ok(), "{name}={v} is not a FLOAT"),
                _ => {}
            }
        }
        assert_eq!(c[1].len(), 8, "SQLDATE");
        assert!(c[26].starts_with(c[28]), "EventCode starts with EventRootCode");
    }
    // The sample's meeting: Syrian and Russian governments, CAMEO 04, on 2020-09-07.
    assert!(
        rows.lines().any(|r| {
            let c: Vec<&str> = r.split('\t').collect();
            c[28] == "04" && c[1] == "20200907" && [c[5], c[15]].contains(&"SYRGOV") && [c[5], c[15]].contains(&"RUSGOV")
        }),
        "no SYRGOV/RUSGOV 04 row on 20200907:\n{rows}"
    );
    let has_pyarrow = Command::new("python3").args(["-c", "import pyarrow.parquet"]).output().map(|o| o.status.success()).unwrap_or(false);
    if has_pyarrow {
        let pq = dir.join("s.parquet");
        let st = Command::new(&bin).args(["export", "--format", "parquet", "-o"]).arg(&pq).arg("--db").arg(&db).status().unwrap();
        assert!(st.success());
        let o = Command::new("python3")
            .args(["-c", "import sys, pyarrow.parquet as pq; t = pq.read_table(sys.argv[1]); print(t.num_rows, t.schema.field('goldstein').type, t.schema.field('source').type)"])
            .arg(&pq)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(String::from_utf8(o.stdout).unwrap().trim(), format!("{n_events} double string"));
    } else {
        eprintln!("note: pyarrow not installed; Parquet read-back skipped");
    }
    std::fs::remove_dir_all(&dir).ok();
}
