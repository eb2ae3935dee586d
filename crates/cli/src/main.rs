//! `dateline`: news articles in, coded political events out.
//!
//! Each subcommand lives in its own module under `cmd/`. The process exit code is 0 when
//! everything was processed, 1 when some inputs failed (the rest still processed), 2 on
//! usage or resource errors.

mod cmd;
mod driver;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// dateline — who did what to whom, when and where, from news articles.
#[derive(Parser)]
#[command(name = "dateline", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles and print their coded events (JSON Lines by default).
    Code(driver::CodeArgs),
    /// Print everything the pipeline found, one JSON document per article.
    Analyze(driver::AnalyzeArgs),
    /// Article extraction only (HTML → text and metadata).
    #[command(disable_help_flag = true)]
    Extract(cmd::ExternalArgs),
    /// Evaluate a component against gold data: tokens, sentences, pos, lemma, parse, ner, timex, geo, petrarch, extract.
    #[command(disable_help_flag = true)]
    Eval(cmd::KindArgs),
    /// Train a model: tagger, parser, affinity (lexical affinities for the parser), ner.
    #[command(disable_help_flag = true)]
    Train(cmd::KindArgs),
    /// Benchmarks that print rates: nlp, coder, time, geo, extract, store.
    #[command(disable_help_flag = true)]
    Bench(cmd::KindArgs),
    /// Run the pipeline and store articles and events in a SQLite database.
    #[command(disable_help_flag = true)]
    Ingest(cmd::ExternalArgs),
    /// Query the event store.
    #[command(disable_help_flag = true)]
    Query(cmd::ExternalArgs),
    /// Export stored events (gdelt, jsonl, csv, parquet).
    #[command(disable_help_flag = true)]
    Export(cmd::ExternalArgs),
    /// Serve the HTTP API and web UI.
    #[command(disable_help_flag = true)]
    Serve(cmd::ExternalArgs),
    /// Show, for each sentence, the parse, actors, patterns tried and events.
    #[command(disable_help_flag = true)]
    Explain(cmd::ExternalArgs),
}

/// glibc's malloc raises its mmap threshold (up to 32 MiB) as the program frees large blocks,
/// after which the growing buffers of a long document (tokens, events, actor mentions) are
/// carved from the heap arenas, where the copies left behind by each doubling stay resident.
/// A fixed threshold keeps every block of 1 MiB or more in its own mapping: freed blocks go
/// back to the system and a growing vector is remapped rather than copied. On a 5 MB article
/// this lowered the peak resident size by 60-100 MB at no measurable cost in speed. Blocks of
/// 1 MiB or more now bypass malloc (see `huge` below), but the fixed threshold still keeps
/// the smaller ones steady: without it, a 5 MB article peaked 28 MB higher (345 against
/// 317 MB). A threshold set in the environment (`MALLOC_MMAP_THRESHOLD_`) is left as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets a malloc parameter; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_mmap_threshold() {}

/// The allocator: blocks of 1 MiB and more get their own mapping, in whole 2 MiB pages
/// aligned to 2 MiB, which the kernel is asked to back with huge pages; smaller blocks go to
/// the system allocator. The models' weight tables and the per-thread caches of summed rows
/// are read at random, one row per feature, and with 4 KiB pages most of those reads also
/// miss the TLB. Huge pages are only advice (`madvise(MADV_HUGEPAGE)`, given before the
/// block is first written): where transparent huge pages are off, nothing changes. A large
/// block is freed straight back to the system, and grows by remapping, not copying (what the
/// mmap threshold above did for these blocks). Measured with `dateline bench nlp`: see
/// ARCHITECTURE.md.
#[cfg(target_os = "linux")]
mod huge {
    use std::alloc::{GlobalAlloc, Layout, System};

    /// Huge page size, and the alignment of large blocks.
    const HUGE: usize = 2 << 20;
    /// Smallest block given its own mapping.
    const LARGE: usize = 1 << 20;

    pub struct HugeAlloc;

    fn large(l: &Layout) -> bool {
        l.size() >= LARGE && l.align() <= 4096
    }

    fn mapped_len(size: usize) -> usize {
        size.next_multiple_of(HUGE)
    }

    fn advise(p: *mut u8, len: usize) {
        // SAFETY: the range is a mapping we own; the call only sets a paging hint.
        unsafe {
            libc::madvise(p.cast(), len, libc::MADV_HUGEPAGE);
        }
    }

    /// A fresh mapping of `len` bytes (a multiple of [`HUGE`]) aligned to [`HUGE`], or null.
    fn map(len: usize) -> *mut u8 {
        // SAFETY: an anonymous private mapping; the parts outside the aligned range are
        // unmapped again at once.
        unsafe {
            let p = libc::mmap(std::ptr::null_mut(), len + HUGE, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0);
            if p == libc::MAP_FAILED {
                return std::ptr::null_mut();
            }
            let start = p as usize;
            let aligned = start.next_multiple_of(HUGE);
            if aligned > start {
                libc::munmap(p, aligned - start);
            }
            let tail = start + len + HUGE - (aligned + len);
            if tail > 0 {
                libc::munmap((aligned + len) as *mut libc::c_void, tail);
            }
            advise(aligned as *mut u8, len);
            aligned as *mut u8
        }
    }

    // SAFETY: large blocks are whole private mappings (zeroed by the kernel) that only their
    // owner touches, released with the length they were mapped with; the rest is the system
    // allocator's.
    unsafe impl GlobalAlloc for HugeAlloc {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            if large(&l) {
                map(mapped_len(l.size()))
            } else {
                unsafe { System.alloc(l) }
            }
        }
        unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
            if large(&l) {
                // a fresh mapping is zeroed by the kernel
                unsafe { self.alloc(l) }
            } else {
                unsafe { System.alloc_zeroed(l) }
            }
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            if large(&l) {
                unsafe {
                    libc::munmap(p.cast(), mapped_len(l.size()));
                }
            } else {
                unsafe { System.dealloc(p, l) }
            }
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
            let new = Layout::from_size_align(n, l.align()).unwrap_or(l);
            match (large(&l), large(&new)) {
                (true, true) => {
                    let (old_len, new_len) = (mapped_len(l.size()), mapped_len(n));
                    if old_len == new_len {
                        return p;
                    }
                    // SAFETY: `p` is a mapping of `old_len` bytes we own; the kernel moves it
                    // whole (its huge-page advice goes with it) or fails.
                    let q = unsafe { libc::mremap(p.cast(), old_len, new_len, libc::MREMAP_MAYMOVE) };
                    if q == libc::MAP_FAILED {
                        return std::ptr::null_mut();
                    }
                    advise(q.cast(), new_len);
                    q.cast()
                }
                (false, false) => unsafe { System.realloc(p, l, n) },
                _ => {
                    // crossing the size boundary: a new block and a copy
                    let q = unsafe { self.alloc(new) };
                    if !q.is_null() {
                        unsafe {
                            std::ptr::copy_nonoverlapping(p, q, l.size().min(n));
                            self.dealloc(p, l);
                        }
                    }
                    q
                }
            }
        }
    }
}

#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOC: huge::HugeAlloc = huge::HugeAlloc;

/// Runs a report command (eval, train, bench: they print with `println!`, which panics when
/// stdout is a pipe closed early, as in `dateline eval parse … | head`) so that it ends
/// quietly then, as Unix tools do: SIGPIPE gets its default action back (Rust ignores it).
/// Not for `code`, `query` or `serve`, which handle a closed output themselves.
fn end_quietly_on_closed_pipe(f: impl FnOnce() -> anyhow::Result<ExitCode>) -> anyhow::Result<ExitCode> {
    #[cfg(unix)]
    // SAFETY: sets a signal's action to the default one; called on the main thread before the
    // command starts any thread, and no signal handler of ours is replaced.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    f()
}

fn main() -> ExitCode {
    fix_mmap_threshold();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(a) => driver::code(a),
        Command::Analyze(a) => driver::analyze(a),
        Command::Extract(a) => cmd::dispatch("extract", "", a.args),
        Command::Eval(k) => end_quietly_on_closed_pipe(|| cmd::dispatch("eval", &k.kind, k.args)),
        Command::Train(k) => end_quietly_on_closed_pipe(|| cmd::dispatch("train", &k.kind, k.args)),
        Command::Bench(k) => end_quietly_on_closed_pipe(|| cmd::dispatch("bench", &k.kind, k.args)),
        Command::Ingest(a) => cmd::dispatch("ingest", "", a.args),
        Command::Query(a) => cmd::dispatch("query", "", a.args),
        Command::Export(a) => cmd::dispatch("export", "", a.args),
        Command::Serve(a) => cmd::dispatch("serve", "", a.args),
        Command::Explain(a) => cmd::dispatch("explain", "", a.args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dateline: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    /// Blocks keep their contents as they grow and shrink across the large-block size, and
    /// large blocks are aligned to huge pages.
    #[test]
    fn blocks_keep_their_contents_across_sizes() {
        let mut v: Vec<u32> = Vec::new();
        for i in 0..3_000_000u32 {
            v.push(i.wrapping_mul(2_654_435_761));
        }
        assert_eq!(v.as_ptr() as usize % (2 << 20), 0);
        assert!(v.iter().enumerate().all(|(i, &x)| x == (i as u32).wrapping_mul(2_654_435_761)));
        v.truncate(1000);
        v.shrink_to_fit();
        assert!(v.iter().enumerate().all(|(i, &x)| x == (i as u32).wrapping_mul(2_654_435_761)));
        let z = vec![0u8; 5 << 20];
        assert!(z.iter().all(|&b| b == 0));
        let mut w = vec![7u8; 300_000];
        w.resize(3 << 20, 9);
        w.resize(600_000, 1);
        assert!(w[..300_000].iter().all(|&b| b == 7) && w[300_000..].iter().all(|&b| b == 9));
    }
}
