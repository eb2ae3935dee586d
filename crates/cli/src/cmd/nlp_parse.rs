//! Subcommands of the dependency parser and the NER: `eval:parse`, `eval:ner`,
//! `train:parser`, `train:affinity`, `train:ner`, `bench:nlp`.
use anyhow::{anyhow, bail, Context, Result};
use clap::Parser as ClapParser;
use nlp::conllu;
use nlp::ner::clusters::WordClusters;
use nlp::ner::{prf, read_iob2, IobSentence, Ner, NerExample, NerTrainOptions, SpanScores, TYPES};
use nlp::parser::{universal_relation, word_attachment, Parser, TrainOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    match kind {
        "train:parser" => train_parser(super::parse("train parser", args)),
        "train:affinity" => train_affinity(super::parse("train affinity", args)),
        "eval:parse" => eval_parse(super::parse("eval parse", args)),
        "train:ner" => train_ner(super::parse("train ner", args)),
        "eval:ner" => eval_ner(super::parse("eval ner", args)),
        "bench:nlp" => bench_nlp(super::parse("bench nlp", args)),
        _ => bail!("{kind}: not available yet"),
    }
}

fn read_conllu(path: &Path) -> Result<Vec<conllu::Sentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    conllu::parse(&text).map_err(|(line, m)| anyhow!("{}:{line}: {m}", path.display()))
}

/// `dateline train parser`
#[derive(ClapParser)]
struct TrainParserArgs {
    /// Training treebank (CoNLL-U).
    #[arg(long, default_value = "../shared/data/ud-ewt/en_ewt-ud-train.conllu")]
    train: PathBuf,
    /// Development treebank, scored after training.
    #[arg(long, default_value = "../shared/data/ud-ewt/en_ewt-ud-dev.conllu")]
    dev: PathBuf,
    /// Also train on these treebanks (e.g. the dev set, once settings are chosen).
    #[arg(long)]
    extra: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, default_value = "models/parser.bin")]
    out: PathBuf,
    /// Word classes (written by `dateline train ner --clusters-out FILE`; the built-in
    /// parser's are learnt from Reuters-21578 and the EWT training text).
    #[arg(long, default_value = "models/parser.clusters")]
    clusters: PathBuf,
    /// Training passes.
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    epochs: usize,
    /// Random seed.
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    seed: u64,
    /// Hash bits of the transition model.
    #[arg(long, default_value_t = TrainOptions::default().action_bits)]
    action_bits: u32,
    /// Hash bits of the label model.
    #[arg(long, default_value_t = TrainOptions::default().label_bits)]
    label_bits: u32,
    /// Train on projective trees only.
    #[arg(long)]
    projective_only: bool,
    /// Train on tags predicted by taggers that did not see the sentence (jackknifing over
    /// this many folds, with the tagger's own trainer); 0 trains on the treebank's tags.
    #[arg(long, default_value_t = 0)]
    jackknife: usize,
    /// Also write the tagger trained on the whole training set while jackknifing.
    #[arg(long)]
    tagger_out: Option<PathBuf>,
    /// Write the training treebank with the tags the parser trains on (e.g. the jackknifed
    /// ones) to this CoNLL-U file, for reuse with `--train` (outside the repository: the
    /// text is the treebank's).
    #[arg(long)]
    save_train_tags: Option<PathBuf>,
    /// Probability of following the model's own transition (exploration) from epoch 2 on.
    #[arg(long, default_value_t = TrainOptions::default().explore)]
    explore: f64,
    /// Transition weights below this magnitude are dropped (smaller model).
    #[arg(long, default_value_t = 1.0)]
    min_action: f32,
    /// Label weights below this magnitude are dropped.
    #[arg(long, default_value_t = 1.0)]
    min_label: f32,
    /// Words seen fewer times in the training data share one "rare word" feature value.
    #[arg(long, default_value_t = TrainOptions::default().min_word_count)]
    min_word_count: usize,
    /// Label dictionary: (direction, head tag, dependent tag) seen at least this often (0: none) …
    #[arg(long, default_value_t = TrainOptions::default().dict_min)]
    dict_min: usize,
    /// … with one label at least this share of the time is labelled without scoring.
    #[arg(long, default_value_t = TrainOptions::default().dict_share)]
    dict_share: f64,
    /// Average the weights of this many parsers, each trained with its own seed (--seed, then
    /// --seed + 1, …); the built-in parser averages three.
    #[arg(long, default_value_t = 3)]
    models: usize,
    /// The parser learns from the supertags of supertaggers trained on all but one of this
    /// many contiguous parts of the training data (nlp::supertag)
    #[arg(long, default_value_t = 4)]
    stag_folds: usize,
    /// The tree reviser (nlp::revise) learns from the trees of parsers trained on all but
    /// one of this many contiguous parts of the training data, each parsing the part it did
    /// not see with the tags of a tagger that did not see it either (0: no reviser)
    #[arg(long, default_value_t = 4)]
    revise_folds: usize,
    /// Epochs of the relabeler (nlp::relabel), which learns from the same parses as the
    /// reviser (0: no relabeler).
    #[arg(long, default_value_t = nlp::relabel::TrainOptions::default().epochs)]
    relabel_epochs: usize,
    /// The relabeler also learns from a second jackknife of the training data over this
    /// many parts, parsed the same way (more examples of the parser's errors; the reviser
    /// gained nothing from them; 0, or the --revise-folds number, which would give the
    /// same parts: none).
    #[arg(long, default_value_t = 5)]
    relabel_folds: usize,
    /// Hash bits of the relabeler's table.
    #[arg(long, default_value_t = nlp::relabel::TrainOptions::default().bits)]
    relabel_bits: u32,
    /// Hash bits of the reviser's table.
    #[arg(long, default_value_t = nlp::revise::TrainOptions::default().bits)]
    revise_bits: u32,
    /// Reviser training passes.
    #[arg(long, default_value_t = nlp::revise::TrainOptions::default().epochs)]
    revise_epochs: usize,
    /// The reviser's candidate heads include the words of a word's own subtree up to this
    /// many words from it (nlp::revise::Window) …
    #[arg(long, default_value_t = nlp::revise::TrainOptions::default().window.inside)]
    revise_inside: u8,
    /// … and the other words up to this many words from it.
    #[arg(long, default_value_t = nlp::revise::TrainOptions::default().window.outside)]
    revise_outside: u8,
    /// Lexical affinities from parsed news for the reviser (written by `dateline train
    /// affinity`); the model file carries a copy.
    #[arg(long, default_value = "models/affinity.bin")]
    affinity: PathBuf,
    /// Train the reviser without lexical affinities.
    #[arg(long)]
    no_affinity: bool,
}

fn train_parser(a: TrainParserArgs) -> Result<ExitCode> {
    let mut train = read_conllu(&a.train)?;
    for x in &a.extra {
        train.extend(read_conllu(x)?);
    }
    let dev = read_conllu(&a.dev)?;
    let opts = TrainOptions {
        epochs: a.epochs,
        seed: a.seed,
        action_bits: a.action_bits,
        label_bits: a.label_bits,
        explore: a.explore,
        projective_only: a.projective_only,
        min_word_count: a.min_word_count,
        dict_min: a.dict_min,
        dict_share: a.dict_share,
    };
    let clusters = WordClusters::load(&std::fs::read(&a.clusters).with_context(|| format!("reading {} (run `dateline train ner` first)", a.clusters.display()))?)
        .with_context(|| format!("loading {}", a.clusters.display()))?;
    let t0 = Instant::now();
    let mut tagger = None;
    if a.jackknife >= 2 {
        let topts = nlp::tagger::TrainOptions { folds: a.jackknife, ..Default::default() };
        eprintln!("jackknifing tags over {} folds", a.jackknife);
        let (t, jack) = nlp::tagger::train_jackknifed(&train, clusters.clone(), &topts, |m| eprintln!("tagger: {m}"));
        let (same, total) = use_tags(&mut train, &jack);
        eprintln!("jackknifed training tags: UPOS agreement with gold {:.2}% ({:.0}s)", pct(same, total), t0.elapsed().as_secs_f64());
        if let Some(out) = &a.tagger_out {
            std::fs::write(out, t.to_bytes()).with_context(|| format!("writing {}", out.display()))?;
        }
        tagger = Some(t);
    }
    if let Some(out) = &a.save_train_tags {
        std::fs::write(out, write_conllu(&train)).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote the training treebank with its training tags to {}", out.display());
    }
    // the supertagger learns with the built-in POS tagger's word classes
    let tagger_classes = nlp::tagger::Tagger::load_default().map_err(anyhow::Error::msg)?.clusters().clone();
    let (stagger, stags) = nlp::supertag::train(&train, &tagger_classes, a.stag_folds, 1, |m| eprintln!("{m} ({:.0}s)", t0.elapsed().as_secs_f64()));
    eprintln!("training parser on {} sentences ({:?})", train.len(), opts);
    let runs: Vec<_> = (0..a.models.max(1) as u64)
        .map(|m| {
            let opts = TrainOptions { seed: opts.seed + m, ..opts.clone() };
            Parser::train(&train, &stags, clusters.clone(), &opts, |e, uas| eprintln!("model {}, epoch {e}: train UAS {uas:.2} ({:.0}s)", m + 1, t0.elapsed().as_secs_f64()))
        })
        .collect();
    let mut p = nlp::parser::Trained::mean(runs).context("the parsers to average differ in shape")?.compact(a.min_action, a.min_label, stagger);
    if a.revise_folds >= 2 {
        let (examples, mut lab_examples) = revision_examples(&train, &clusters, &tagger_classes, &opts, &a, a.revise_folds, p.labels(), t0)?;
        if a.relabel_epochs > 0 && a.relabel_folds >= 2 && a.relabel_folds != a.revise_folds {
            lab_examples.extend(revision_examples(&train, &clusters, &tagger_classes, &opts, &a, a.relabel_folds, p.labels(), t0)?.1);
        }
        let window = nlp::revise::Window { inside: a.revise_inside, outside: a.revise_outside };
        let ropts = nlp::revise::TrainOptions { epochs: a.revise_epochs, window, bits: a.revise_bits, ..Default::default() };
        let aff = if a.no_affinity {
            None
        } else {
            let b = std::fs::read(&a.affinity).with_context(|| format!("reading {} (run `dateline train affinity`, or pass --no-affinity)", a.affinity.display()))?;
            let (t, _) = nlp::affinity::Affinity::from_bytes(&b).with_context(|| format!("loading {}", a.affinity.display()))?;
            eprintln!("affinity table: {} keys from {}", t.len(), a.affinity.display());
            Some(t)
        };
        let r = nlp::revise::train(&examples, aff, &ropts, |m| eprintln!("{m} ({:.0}s)", t0.elapsed().as_secs_f64()));
        p.set_reviser(Some(r));
        if a.relabel_epochs > 0 {
            let lopts = nlp::relabel::TrainOptions { epochs: a.relabel_epochs, bits: a.relabel_bits, ..Default::default() };
            let r = nlp::relabel::train(&lab_examples, p.labels(), &lopts, |m| eprintln!("{m} ({:.0}s)", t0.elapsed().as_secs_f64()));
            p.set_relabeler(Some(r));
        }
    }
    let mut bytes = Vec::new();
    p.save(&mut bytes)?;
    std::fs::write(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    let p = Parser::from_bytes(&bytes)?;
    let sc = score(&p, &dev, &Tags::Gold);
    println!("wrote {} ({} bytes) in {:.1}s", a.out.display(), bytes.len(), t0.elapsed().as_secs_f64());
    println!("dev (gold tags): UAS {:.2} LAS {:.2}", sc.uas(), sc.las());
    if let Some(t) = &tagger {
        // the dev set with the tags of the tagger trained on the whole training set
        let sp = score(&p, &dev, &Tags::Tagger(t));
        println!("dev (tags of the tagger trained here, UPOS {:.2}): UAS {:.2} LAS {:.2}", sp.upos(), sp.uas(), sp.las());
    }
    println!("dev_uas={:.2} dev_las={:.2} bytes={} seconds={:.1}", sc.uas(), sc.las(), bytes.len(), t0.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// Training data for the tree reviser and the relabeler: each of `k` contiguous parts of
/// `train` parsed by a parser (trained as the final one is, without a reviser) and tagged
/// by a tagger (with the built-in tagger's word classes) that were both trained on the
/// other parts. `labels` are the final parser's, which the relabeler's examples index.
type Jackknifed = (Vec<nlp::revise::Example>, Vec<nlp::relabel::Example>);
#[allow(clippy::too_many_arguments)]
fn revision_examples(train: &[conllu::Sentence], clusters: &WordClusters, tagger_classes: &WordClusters, opts: &TrainOptions, a: &TrainParserArgs, k: usize, labels: &[String], t0: Instant) -> Result<Jackknifed> {
    let fold_of = |i: usize| i * k / train.len().max(1);
    let label_ids: HashMap<&str, u16> = labels.iter().enumerate().map(|(i, l)| (l.as_str(), i as u16)).collect();
    let label_id = |l: &str| label_ids.get(l).copied().unwrap_or(u16::MAX);
    let fold = |f: usize| -> Result<Jackknifed> {
        let rest: Vec<conllu::Sentence> = train.iter().enumerate().filter(|&(i, _)| fold_of(i) != f).map(|(_, s)| s.clone()).collect();
        let tagger = nlp::tagger::train(&rest, tagger_classes.clone(), &nlp::tagger::TrainOptions { folds: 0, ..Default::default() }, |_| {});
        let (stagger, stags) = nlp::supertag::train(&rest, tagger_classes, a.stag_folds, 1, |_| {});
        let runs: Vec<_> = (0..a.models.max(1) as u64).map(|m| Parser::train(&rest, &stags, clusters.clone(), &TrainOptions { seed: opts.seed + m, ..opts.clone() }, |_, _| {})).collect();
        let p = nlp::parser::Trained::mean(runs).context("the parsers to average differ in shape")?.compact(a.min_action, a.min_label, stagger);
        let (mut out, mut lab_out) = (Vec::new(), Vec::new());
        for s in train.iter().enumerate().filter(|&(i, _)| fold_of(i) == f).map(|(_, s)| s) {
            let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let (up, xp) = tagger_tags(&tagger, &forms);
            let ups: Vec<&str> = up.iter().map(|x| x.as_str()).collect();
            let xps: Vec<&str> = xp.iter().map(|x| x.as_str()).collect();
            let parsed = p.parse(&forms, &ups, &xps);
            let stags = p.supertags(&forms);
            let n = forms.len();
            let heads: Vec<usize> = parsed.iter().map(|x| if x.0 < 0 { n } else { x.0 as usize }).collect();
            let gold: Vec<usize> = s.words.iter().map(|w| if w.head == 0 { n } else { w.head - 1 }).collect();
            lab_out.push(nlp::relabel::Example {
                toks: (0..n).map(|i| nlp::relabel::LabTok::new(forms[i], ups[i], xps[i])).collect(),
                heads: heads.clone(),
                labels: parsed.iter().map(|x| label_id(&x.1)).collect(),
                gold_heads: gold.clone(),
                gold_labels: s.words.iter().map(|w| label_id(&w.deprel)).collect(),
            });
            out.push(nlp::revise::Example { toks: (0..n).map(|i| nlp::revise::RevTok::new(forms[i], ups[i], xps[i], &parsed[i].1, &stags[i])).collect(), heads, gold });
        }
        eprintln!("jackknife: part {}/{k} parsed ({:.0}s)", f + 1, t0.elapsed().as_secs_f64());
        Ok((out, lab_out))
    };
    // two parts at a time (the tagger's training takes the most memory)
    let mut parts: Vec<Result<Jackknifed>> = Vec::new();
    for pair in (0..k).collect::<Vec<_>>().chunks(2) {
        let done: Vec<_> = std::thread::scope(|sc| {
            let hs: Vec<_> = pair.iter().map(|&f| sc.spawn(move || fold(f))).collect();
            hs.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow!("a reviser training thread panicked")))).collect()
        });
        parts.extend(done);
    }
    let (mut all, mut lab_all) = (Vec::new(), Vec::new());
    for p in parts {
        let (r, l) = p?;
        all.extend(r);
        lab_all.extend(l);
    }
    Ok((all, lab_all))
}

/// CoNLL-U text of `sents` (ids, forms, lemmas, tags, feats, trees, misc; multi-word tokens
/// and comments other than `sent_id` are not kept).
fn write_conllu(sents: &[conllu::Sentence]) -> String {
    let mut out = String::new();
    let col = |s: &str| if s.is_empty() { "_".to_string() } else { s.replace(['\t', '\n'], " ") };
    for s in sents {
        if !s.id.is_empty() {
            out += &format!("# sent_id = {}\n", s.id);
        }
        for (i, w) in s.words.iter().enumerate() {
            out += &format!("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t_\t{}\n", i + 1, col(&w.form), col(&w.lemma), col(&w.upos), col(&w.xpos), col(&w.feats), w.head, col(&w.deprel), col(&w.misc));
        }
        out.push('\n');
    }
    out
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b.max(1) as f64
}

/// Tags gold tokens with the built-in tagger: (UPOS, XPOS) per word.
fn predicted_tags(nlp: &nlp::Nlp, forms: &[&str], scratch: &mut nlp::TagScratch) -> (Vec<String>, Vec<String>) {
    use model::{Article, Doc, Sentence, Token};
    let mut text = String::new();
    let mut tokens = Vec::with_capacity(forms.len());
    for f in forms {
        if !text.is_empty() {
            text.push(' ');
        }
        tokens.push(Token { start: text.len(), end: text.len() + f.len(), head: -1, ..Default::default() });
        text.push_str(f);
    }
    let mut doc = Doc::new(Article { text, ..Default::default() });
    doc.sentences.push(Sentence { start: 0, end: doc.article.text.len(), token_start: 0, token_end: tokens.len() });
    doc.tokens = tokens;
    nlp.tag_sentence(&mut doc, 0, scratch);
    doc.tokens.into_iter().map(|t| (t.upos.into_string(), t.xpos.into_string())).unzip()
}

/// How the parser and the NER get their tags in an evaluation.
enum Tags<'a> {
    /// The treebank's.
    Gold,
    /// The built-in tagger's.
    Predicted(&'a nlp::Nlp),
    /// A given tagger's.
    Tagger(&'a nlp::tagger::Tagger),
}

/// Tags of `forms` by `t`.
fn tagger_tags(t: &nlp::tagger::Tagger, forms: &[&str]) -> (Vec<String>, Vec<String>) {
    t.tag(forms).into_iter().map(|id| t.tag_name(id)).map(|(u, x)| (u.to_string(), x.to_string())).unzip()
}

/// Attachment scores of a parser over gold sentences.
#[derive(Default)]
struct ParseScore {
    words: usize,
    /// Words with the gold head …
    head_ok: usize,
    /// … and the gold universal relation too.
    label_ok: usize,
    /// Words whose UPOS tag (as given to the parser) is the gold one.
    tag_ok: usize,
    /// Per gold universal relation: (words, head correct, head and relation correct).
    by_relation: std::collections::BTreeMap<String, (usize, usize, usize)>,
}

impl ParseScore {
    fn uas(&self) -> f64 {
        pct(self.head_ok, self.words)
    }
    fn las(&self) -> f64 {
        pct(self.label_ok, self.words)
    }
    fn upos(&self) -> f64 {
        pct(self.tag_ok, self.words)
    }
    /// The table of `--by-relation`: each gold relation's share of the words, its UAS and
    /// LAS, and its share of all head errors; most head errors first.
    fn print_by_relation(&self, what: &str) {
        let errors = (self.words - self.head_ok).max(1);
        println!("by gold relation ({what}):");
        println!("  {:<12} {:>6} {:>7} {:>7} {:>7} {:>13}", "relation", "words", "share", "UAS", "LAS", "head errors");
        let mut rows: Vec<_> = self.by_relation.iter().collect();
        rows.sort_by_key(|(r, (n, u, _))| (std::cmp::Reverse(n - u), r.as_str()));
        for (r, &(n, u, l)) in rows {
            println!("  {r:<12} {n:>6} {:>6.2}% {:>7.2} {:>7.2} {:>6} {:>5.1}%", pct(n, self.words), pct(u, n), pct(l, n), n - u, pct(n - u, errors));
        }
    }
}

/// Parses every gold sentence with the tags `tags` gives and scores the trees.
fn score(p: &Parser, sents: &[conllu::Sentence], tags: &Tags) -> ParseScore {
    let mut sc = ParseScore::default();
    let mut scratch = nlp::TagScratch::default();
    for s in sents {
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let (up, xp): (Vec<String>, Vec<String>) = match tags {
            Tags::Gold => s.words.iter().map(|w| (w.upos.clone(), w.xpos.clone())).unzip(),
            Tags::Predicted(nlp) => predicted_tags(nlp, &forms, &mut scratch),
            Tags::Tagger(t) => tagger_tags(t, &forms),
        };
        sc.tag_ok += s.words.iter().zip(&up).filter(|(w, t)| w.upos == **t).count();
        let up: Vec<&str> = up.iter().map(|x| x.as_str()).collect();
        let xp: Vec<&str> = xp.iter().map(|x| x.as_str()).collect();
        let out = p.parse(&forms, &up, &xp);
        for (g, o) in s.words.iter().zip(&out) {
            let (head, label) = word_attachment(g, o);
            sc.words += 1;
            sc.head_ok += head as usize;
            sc.label_ok += label as usize;
            let e = sc.by_relation.entry(universal_relation(&g.deprel).to_string()).or_default();
            *e = (e.0 + 1, e.1 + head as usize, e.2 + label as usize);
        }
    }
    sc
}

/// `dateline eval parse`
#[derive(ClapParser)]
struct EvalParseArgs {
    /// Gold treebank (CoNLL-U); its tokens are used, its tags only for the gold-tag score.
    #[arg(long)]
    gold: PathBuf,
    /// A model file instead of the built-in model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// A tagger model file for the predicted tags instead of the built-in tagger.
    #[arg(long)]
    tagger: Option<PathBuf>,
    /// Time this many passes of parsing (gold tags) and report the fastest, which is the
    /// least disturbed by other processes on a busy machine.
    #[arg(long, default_value_t = 1)]
    passes: usize,
    /// Also print UAS and LAS by gold relation, with each relation's share of the head
    /// errors (gold tags, then predicted tags).
    #[arg(long)]
    by_relation: bool,
    /// Parse without the model's tree reviser (nlp::revise).
    #[arg(long)]
    no_revise: bool,
    /// Parse without the model's relabeler (nlp::relabel).
    #[arg(long)]
    no_relabel: bool,
    /// Leave punctuation where the parser and reviser put it, without the rule of the UD
    /// guidelines (nlp::punct).
    #[arg(long)]
    no_punct_rule: bool,
}

/// The model in file `model`, or else the built-in one (`what`: "parser", "NER"; `train`:
/// the `dateline train` kind that makes one).
fn load_model<T>(model: &Option<PathBuf>, what: &str, train: &str, from_bytes: impl Fn(&[u8]) -> std::io::Result<T>, builtin: impl Fn() -> Result<Option<T>, String>) -> Result<T> {
    match model {
        Some(m) => {
            let b = std::fs::read(m).with_context(|| format!("reading {}", m.display()))?;
            from_bytes(&b).with_context(|| format!("loading {}", m.display()))
        }
        None => builtin().map_err(|e| anyhow!(e))?.ok_or_else(|| anyhow!("no {what} model is built in; run `dateline train {train}`")),
    }
}

fn load_parser(model: &Option<PathBuf>) -> Result<Parser> {
    load_model(model, "parser", "parser", Parser::from_bytes, Parser::load_default)
}

fn eval_parse(a: EvalParseArgs) -> Result<ExitCode> {
    let mut p = load_parser(&a.model)?;
    if a.no_revise {
        p.set_reviser(None);
    }
    if a.no_relabel {
        p.set_relabeler(None);
    }
    p.set_punct_rule(!a.no_punct_rule);
    let gold = read_conllu(&a.gold)?;
    let mut secs = f64::INFINITY;
    let mut g = ParseScore::default();
    for _ in 0..a.passes.max(1) {
        let t0 = Instant::now();
        g = score(&p, &gold, &Tags::Gold);
        secs = secs.min(t0.elapsed().as_secs_f64());
    }
    let n = g.words;
    println!("{}: {} sentences, {n} words (gold tokens; CoNLL 2018 UAS/LAS, punctuation included)", a.gold.display(), gold.len());
    println!("gold tags:      UAS {:.2}  LAS {:.2}  ({:.0} words/s parsing)", g.uas(), g.las(), n as f64 / secs);
    let tagger = match &a.tagger {
        Some(tp) => Some((super::nlp_tag::load_tagger(&a.tagger)?, tp)),
        None => None,
    };
    let predicted = match &tagger {
        Some((t, tp)) => Ok((score(&p, &gold, &Tags::Tagger(t)), format!("predicted tags ({})", tp.display()))),
        None => nlp::Nlp::load_default().map(|nlp| (score(&p, &gold, &Tags::Predicted(&nlp)), "predicted tags".to_string())),
    };
    match predicted {
        Ok((sp, what)) => {
            println!("{what}: UAS {:.2}  LAS {:.2}  (tagger UPOS {:.2})", sp.uas(), sp.las(), sp.upos());
            if a.by_relation {
                g.print_by_relation("gold tags");
                sp.print_by_relation(&what);
            }
            println!("uas={:.2} las={:.2} uas_gold_tags={:.2} las_gold_tags={:.2} upos={:.2} words={n}", sp.uas(), sp.las(), g.uas(), g.las(), sp.upos());
        }
        Err(e) => {
            println!("predicted tags: not available ({e})");
            if a.by_relation {
                g.print_by_relation("gold tags");
            }
            println!("uas_gold_tags={:.2} las_gold_tags={:.2} words={n}", g.uas(), g.las());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_iob(path: &Path) -> Result<Vec<IobSentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    read_iob2(&text).map_err(|(line, m)| anyhow!("{}:{line}: {m}", path.display()))
}

/// Joins NER sentences with treebank tags by `sent_id`; sentences whose tokens differ from
/// the treebank's get empty tags. Returns the examples and the number without tags.
fn with_tags(sents: &[IobSentence], treebank: Option<&[conllu::Sentence]>) -> (Vec<NerExample>, usize) {
    let by_id: HashMap<&str, &conllu::Sentence> = treebank.unwrap_or(&[]).iter().map(|s| (s.id.as_str(), s)).collect();
    let mut missing = 0;
    let out = sents
        .iter()
        .map(|s| {
            let n = s.forms.len();
            let tb = by_id.get(s.id.as_str()).filter(|t| t.words.len() == n && t.words.iter().zip(&s.forms).all(|(w, f)| w.form == *f));
            let (upos, xpos) = match tb {
                Some(t) => t.words.iter().map(|w| (w.upos.clone(), w.xpos.clone())).unzip(),
                None => {
                    missing += 1;
                    (vec![String::new(); n], vec![String::new(); n])
                }
            };
            NerExample { forms: s.forms.clone(), upos, xpos, spans: s.spans.clone(), doc: s.doc.clone() }
        })
        .collect();
    (out, missing)
}

/// `dateline train ner`
#[derive(ClapParser)]
struct TrainNerArgs {
    /// Training data (IOB2).
    #[arg(long, default_value = "../shared/data/uner-ewt/en_ewt-ud-train.iob2")]
    train: PathBuf,
    /// Treebank with the training sentences' tags (matched by sent_id).
    #[arg(long, default_value = "../shared/data/ud-ewt/en_ewt-ud-train.conllu")]
    train_tags: PathBuf,
    /// Development data (IOB2), scored after every epoch.
    #[arg(long, default_value = "../shared/data/uner-ewt/en_ewt-ud-dev.iob2")]
    dev: PathBuf,
    /// Treebank with the development sentences' tags.
    #[arg(long, default_value = "../shared/data/ud-ewt/en_ewt-ud-dev.conllu")]
    dev_tags: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "models/ner.bin")]
    out: PathBuf,
    /// Also train on these IOB2 files (e.g. the dev set once settings are chosen) …
    #[arg(long)]
    extra: Vec<PathBuf>,
    /// … with the tags of these treebanks (one per --extra file).
    #[arg(long)]
    extra_tags: Vec<PathBuf>,
    /// Unlabeled text for the word classes: Reuters-21578 `.sgm` files (folder) …
    #[arg(long, default_value = "../shared/data/corpora/reuters21578")]
    cluster_text: PathBuf,
    /// … plus the sentences of this treebank …
    #[arg(long, default_value = "../shared/data/ud-ewt/en_ewt-ud-train.conllu")]
    cluster_treebank: PathBuf,
    /// … plus plain-text articles (`*.txt` under these folders, e.g. ../shared/data/corpora/bbc,
    /// as for the built-in NER's classes).
    #[arg(long)]
    cluster_plain: Vec<PathBuf>,
    /// Words seen fewer times than this in the classes' text get no word class (the
    /// built-in parser's classes: 3).
    #[arg(long, default_value_t = 2)]
    cluster_min_count: u32,
    /// Where to write the word classes (`train parser --clusters` can read them too).
    #[arg(long, default_value = "models/ner.clusters")]
    clusters_out: PathBuf,
    /// Reuse this word-class file instead of building one.
    #[arg(long)]
    clusters: Option<PathBuf>,
    /// Training passes.
    #[arg(long, default_value_t = NerTrainOptions::default().epochs)]
    epochs: usize,
    /// Random seed.
    #[arg(long, default_value_t = NerTrainOptions::default().seed)]
    seed: u64,
    /// Hash bits.
    #[arg(long, default_value_t = NerTrainOptions::default().bits)]
    bits: u32,
    /// Weights below this magnitude are dropped (smaller model).
    #[arg(long, default_value_t = 0.0)]
    min_abs: f32,
    /// Beam width of decoding (1: greedy), kept in the model; training updates whole
    /// sentences where the beam's best path beats the gold one by the most.
    #[arg(long, default_value_t = nlp::ner::Beam::default().width)]
    beam: usize,
    /// Beam items scoring more than this below the best are dropped.
    #[arg(long, default_value_t = nlp::ner::Beam::default().prune)]
    beam_prune: f32,
    /// Known place names for name features: the packed GeoNames gazetteer …
    #[arg(long, default_value = "crates/geo/data/gazetteer.bin")]
    names_geo: PathBuf,
    /// … its cities of at least this many people …
    #[arg(long, default_value_t = 20_000)]
    names_min_population: u64,
    /// … and the actor dictionaries (countries, organisations, people) in this folder.
    #[arg(long, default_value = "dictionaries/actors")]
    names_actors: PathBuf,
    /// … and the people and organisations of these PETRARCH actor dictionaries (Phoenix's
    /// international actors: IGOs, NGOs, companies; and non-state armed groups); a missing
    /// file is skipped with a note.
    #[arg(long, num_args = 1.., default_values = ["../shared/data/petrarch/dictionaries/phoenix/Phoenix.International.actors.txt", "../shared/data/petrarch/dictionaries/phoenix/Phoenix.MilNonState.actors.txt"])]
    names_petrarch: Vec<PathBuf>,
    /// … and the company names found in these Reuters-21578 stories (`.sgm` files in this
    /// folder): capitalized words before "Inc", "Corp", "Ltd", "AG"… (nlp::ner::names::company_names);
    /// a missing folder is skipped with a note.
    #[arg(long, default_value = "../shared/data/corpora/reuters21578")]
    names_companies: PathBuf,
    /// Train without those company names.
    #[arg(long)]
    no_company_names: bool,
    /// Also train on up to this many news sentences labelled by the name set alone: every
    /// capitalized proper noun in them is part of a known name (0: none).
    #[arg(long, default_value_t = 2000)]
    silver: usize,
    /// … taken from the Reuters-21578 stories (`.sgm` files) in this folder; a missing
    /// folder is skipped with a note.
    #[arg(long, default_value = "../shared/data/corpora/reuters21578")]
    silver_news: PathBuf,
    /// Also train on every this-many-th training sentence written in capitals (0: none).
    #[arg(long, default_value_t = 10)]
    capitals_every: usize,
    /// Train without name features.
    #[arg(long)]
    no_names: bool,
    /// Train without the features of what earlier sentences of the document found.
    #[arg(long)]
    no_doc_memory: bool,
    /// Train on the tags of taggers that did not see the sentence (jackknifing the tagger's
    /// first pass over this many folds of --train-tags), like the tags met at run time; 0
    /// trains on the treebank's tags (the built-in model: 4).
    #[arg(long, default_value_t = 4)]
    jackknife: usize,
    /// Average the weights of this many models, each trained with its own shuffling seed.
    #[arg(long, default_value_t = NerTrainOptions::default().models)]
    models: usize,
    /// Keep the jackknifed tags in this file and reuse them when it exists (one line per
    /// sentence: `UPOS/XPOS` per word).
    #[arg(long)]
    jackknife_cache: Option<PathBuf>,
}

/// The NER's name set: GeoNames places (cities from `min_pop` people; every country,
/// continent, first-level area, region, sea and landmark; demonyms) and the actor
/// dictionaries' countries, capitals, demonyms, organisations, parties and people; and the
/// people and organisations (entries with a role or group code, not a bare country code) of
/// the PETRARCH actor files `petrarch`; and titles written before names
/// (`actors::words::NAME_TITLES`); and the company names found in the Reuters-21578 stories
/// of `companies` (`nlp::ner::names::company_names`).
fn ner_names(geo_path: &Path, min_pop: u64, actors: &Path, petrarch: &[PathBuf], companies: Option<&Path>) -> Result<nlp::ner::names::NameSet> {
    use geo::Feature;
    use nlp::ner::names::{bits, NameSet};
    let mut names: Vec<(String, u8)> = Vec::new();
    let bytes: &'static [u8] = Box::leak(std::fs::read(geo_path).with_context(|| format!("reading {}", geo_path.display()))?.into_boxed_slice());
    let data = geo::data::Data::from_bin(bytes, &geo_path.display().to_string()).map_err(|e| anyhow!(e))?;
    for e in &data.entries {
        let b = match e.feature {
            Feature::Continent | Feature::Country | Feature::Admin1 => bits::LOC_MAJOR,
            Feature::City if e.population >= 500_000 => bits::LOC_MAJOR,
            Feature::City if e.population >= min_pop => bits::LOC,
            Feature::City => continue,
            Feature::Region | Feature::Water | Feature::Landmark => bits::LOC,
        };
        names.push((e.name.to_string(), b));
    }
    let mut demonyms: Vec<&str> = data.demonyms.keys().map(|k| &**k).collect();
    demonyms.sort_unstable();
    names.extend(demonyms.into_iter().map(|d| (d.to_string(), bits::DEMONYM)));
    for (file, people) in [("countries.txt", false), ("organizations.txt", false), ("parties.txt", false), ("people.txt", true)] {
        let p = actors.join(file);
        let text = std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            if line.trim().is_empty() || line.starts_with(char::is_whitespace) {
                continue;
            }
            let (b, values) = if people {
                (bits::PER, line.split_once('(').map_or(line, |x| x.0))
            } else {
                let mut f = line.split_whitespace();
                let (_code, kind) = (f.next(), f.next().unwrap_or(""));
                let rest = line.trim_start().split_once(char::is_whitespace).map(|x| x.1).unwrap_or("").trim_start();
                let rest = rest.strip_prefix(kind).unwrap_or(rest);
                let b = match (file, kind) {
                    ("organizations.txt" | "parties.txt", _) => bits::ORG,
                    (_, "name" | "capital") => bits::LOC_MAJOR,
                    (_, "adj") => bits::DEMONYM,
                    _ => continue,
                };
                (b, rest)
            };
            for v in values.split('|').map(str::trim).filter(|v| !v.is_empty()) {
                names.push((v.to_string(), b));
            }
        }
    }
    names.extend(actors::words::NAME_TITLES.iter().map(|t| (t.to_string(), bits::TITLE)));
    let mut warnings = Vec::new();
    for f in petrarch {
        if !f.is_file() {
            eprintln!("note: {} not found; NER name features without it", f.display());
            continue;
        }
        for rec in actors::petrarch::read_actor_records(f, &mut warnings).map_err(|e| anyhow!(e))? {
            let code = rec.entry.default.as_deref().or(rec.entry.dated.first().map(|c| c.code.as_str())).unwrap_or("");
            let b = match rec.entry.kind {
                actors::dict::NameKind::Person => bits::PER,
                _ if code.len() > 3 => bits::ORG,
                _ => continue,
            };
            names.extend(rec.phrases.into_iter().map(|(_, text, _)| (text, b)));
        }
    }
    if let Some(first) = warnings.first() {
        eprintln!("note: {} malformed lines skipped in the PETRARCH actor files (first: {first})", warnings.len());
    }
    match companies {
        Some(dir) if dir.is_dir() => {
            // one-word company names that are already a place, person or demonym stay that
            let known: std::collections::HashSet<String> = names.iter().filter(|(n, b)| b & bits::ORG == 0 && !n.contains(' ')).map(|(n, _)| n.to_lowercase()).collect();
            let texts = reuters_bodies(dir)?;
            let found = nlp::ner::names::company_names(texts.iter().map(String::as_str), 2);
            let before = names.len();
            names.extend(found.into_iter().filter(|n| n.contains(' ') || !known.contains(&n.to_lowercase())).map(|n| (n, bits::ORG)));
            eprintln!("company names from {}: {}", dir.display(), names.len() - before);
        }
        Some(dir) => eprintln!("note: {} not found; NER name features without its company names", dir.display()),
        None => {}
    }
    let toks: Vec<(Vec<&str>, u8)> = names.iter().map(|(n, b)| (nlp::tokenize::tokens(n).iter().map(|t| &n[t.start..t.end]).collect(), *b)).collect();
    Ok(NameSet::build(toks))
}

/// `text` with its lines joined into paragraphs: a Reuters story is wrapped at about 70
/// columns, and a new paragraph starts on an indented line (or after a blank one).
fn unwrap_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank || line.starts_with(char::is_whitespace) { "\n\n" } else { " " });
        }
        blank = false;
        out.push_str(t);
    }
    out
}

/// News sentences labelled by the name set alone, for the NER to learn how names are used in
/// news (the UNER training text is web text: reviews, e-mail, forums): sentences where every
/// capitalized proper noun is in a matched name (a demonym is OTH, a title none), no name is
/// of two kinds, and no two names are joined by "of" or "and". At most `max`, evenly spread
/// over the texts, each text a document of its own (for the document memory).
fn silver_examples(texts: &[String], names: &nlp::ner::names::NameSet, nlp: &nlp::Nlp, max: usize) -> Vec<NerExample> {
    use model::{Article, Doc, EntityLabel};
    use nlp::ner::names::{bits, token_key};
    // month and day names are capitalized words of no name
    let calendar = |w: &str| {
        let l = w.to_lowercase();
        timex::lex::month(&l).is_some() || timex::lex::weekday(&l).is_some()
    };
    let mut scratch = nlp::TagScratch::default();
    let mut out = Vec::new();
    let mut m = Vec::new();
    for (k, text) in texts.iter().enumerate() {
        let text = &unwrap_lines(text);
        let mut doc = Doc::new(Article { text: text.clone(), ..Default::default() });
        nlp.tokenize_doc(&mut doc);
        for si in 0..doc.sentences.len() {
            let sent = doc.sentences[si];
            let n = sent.token_end - sent.token_start;
            if !(5..=60).contains(&n) {
                continue;
            }
            nlp.tag_sentence(&mut doc, si, &mut scratch);
            let toks = &doc.tokens[sent.token_start..sent.token_end];
            let forms: Vec<&str> = toks.iter().map(|t| &text[t.start..t.end]).collect();
            let keys: Vec<u64> = forms.iter().map(|f| token_key(f)).collect();
            names.matches(&keys, &mut m);
            let mut covered = vec![false; n];
            let mut spans = Vec::new();
            let mut ok = true;
            for x in &m {
                if !forms[x.start].chars().next().is_some_and(char::is_uppercase) || (x.end - x.start == 1 && calendar(forms[x.start])) {
                    continue;
                }
                // a one-word name that the tagger does not take for a proper noun ("I", "May")
                if x.end - x.start == 1 && toks[x.start].upos != "PROPN" && x.bits != bits::DEMONYM && x.bits != bits::TITLE {
                    ok = false;
                }
                let label = match x.bits {
                    b if b & !(bits::LOC_MAJOR | bits::LOC) == 0 => Some(EntityLabel::LOC),
                    bits::PER => Some(EntityLabel::PER),
                    bits::ORG => Some(EntityLabel::ORG),
                    bits::DEMONYM => Some(EntityLabel::OTH),
                    bits::TITLE => None,
                    _ => {
                        ok = false;
                        None
                    }
                };
                covered[x.start..x.end].iter_mut().for_each(|c| *c = true);
                if let Some(l) = label {
                    spans.push((x.start, x.end, l));
                }
            }
            // two names joined by "of" or "and" may be one ("Bank of France")
            if m.windows(2).any(|w| w[1].start == w[0].end + 1 && matches!(forms[w[0].end], "of" | "and" | "&" | "for" | "de")) {
                ok = false;
            }
            // a capitalized word in no name: a proper noun, or any word past the first but "I"
            let uncovered_name = (0..n).any(|i| !covered[i] && forms[i].chars().next().is_some_and(char::is_uppercase) && (toks[i].upos == "PROPN" || (i > 0 && toks[i].upos != "PRON")) && !calendar(forms[i]));
            if ok && !uncovered_name && !spans.is_empty() {
                out.push(NerExample {
                    forms: forms.iter().map(|f| f.to_string()).collect(),
                    upos: toks.iter().map(|t| t.upos.to_string()).collect(),
                    xpos: toks.iter().map(|t| t.xpos.to_string()).collect(),
                    spans,
                    doc: format!("silver-{k}"),
                });
            }
        }
    }
    if out.len() > max {
        let step = out.len() as f64 / max as f64;
        out = (0..max).map(|i| out[(i as f64 * step) as usize].clone()).collect();
    }
    out
}

fn ner_scores(ner: &Ner, data: &[NerExample], tags: &Tags) -> SpanScores {
    let mut sc = SpanScores::default();
    let mut scratch = nlp::TagScratch::default();
    let mut memory = nlp::ner::DocMemory::default();
    for (k, ex) in data.iter().enumerate() {
        if k == 0 || ex.doc != data[k - 1].doc {
            memory.clear();
        }
        let f: Vec<&str> = ex.forms.iter().map(|s| s.as_str()).collect();
        let (u, x) = match tags {
            Tags::Gold => (ex.upos.clone(), ex.xpos.clone()),
            Tags::Predicted(nlp) => predicted_tags(nlp, &f, &mut scratch),
            Tags::Tagger(t) => tagger_tags(t, &f),
        };
        let u: Vec<&str> = u.iter().map(|s| s.as_str()).collect();
        let x: Vec<&str> = x.iter().map(|s| s.as_str()).collect();
        sc.add(&ex.spans, &ner.tag_in_doc(&f, &u, &x, &mut memory));
    }
    sc
}

/// Micro (tp, predicted, gold) over the types that occur in the gold data only: UNER's
/// final dev/test files annotate PER, ORG and LOC but not OTH.
fn micro_gold_types(sc: &SpanScores) -> (usize, usize, usize) {
    sc.per_type.iter().filter(|c| c.2 > 0).fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
}

fn print_ner(sc: &SpanScores, prefix: &str) {
    println!("{:<6} {:>7} {:>7} {:>7} {:>6} {:>6}", "type", "P", "R", "F1", "gold", "pred");
    for (t, c) in TYPES.iter().zip(sc.per_type) {
        let (p, r, f) = prf(c);
        println!("{:<6} {:>7.2} {:>7.2} {:>7.2} {:>6} {:>6}", t.as_str(), p, r, f, c.2, c.1);
    }
    let (p, r, f) = prf(sc.micro());
    println!("{:<6} {:>7.2} {:>7.2} {:>7.2} {:>6} {:>6}   (all predicted types)", "micro", p, r, f, sc.micro().2, sc.micro().1);
    let g = micro_gold_types(sc);
    let (p, r, f) = prf(g);
    println!("{:<6} {:>7.2} {:>7.2} {:>7.2} {:>6} {:>6}   (types annotated in the gold file)", "micro*", p, r, f, g.2, g.1);
    let _ = prefix;
}

/// Replaces the tags of `tb` by jackknifed first-pass tagger tags (see `TrainNerArgs::jackknife`).
fn jackknife_tags(tb: &mut [conllu::Sentence], folds: usize, clusters: &WordClusters, cache: Option<&Path>) -> Result<()> {
    let cached = match cache {
        Some(p) if p.exists() => Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?),
        _ => None,
    };
    let tags: Vec<Vec<(String, String)>> = match cached {
        Some(text) => text.lines().map(|l| l.split(' ').filter(|t| !t.is_empty()).map(|t| t.split_once('/').map_or((t.to_string(), String::new()), |(u, x)| (u.to_string(), x.to_string()))).collect()).collect(),
        None => {
            let topts = nlp::tagger::TrainOptions { folds, ..Default::default() };
            let (_, jack) = nlp::tagger::train_jackknifed(tb, clusters.clone(), &topts, |m| eprintln!("tagger: {m}"));
            if let Some(p) = cache {
                let text: String = jack.iter().map(|s| s.iter().map(|(u, x)| format!("{u}/{x} ")).collect::<String>() + "\n").collect();
                std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?;
            }
            jack
        }
    };
    if tags.len() != tb.len() {
        bail!("jackknifed tags: {} sentences for {}", tags.len(), tb.len());
    }
    let (same, total) = use_tags(tb, &tags);
    eprintln!("jackknifed training tags: UPOS agreement with the treebank {:.2}%", pct(same, total));
    Ok(())
}

fn train_ner(a: TrainNerArgs) -> Result<ExitCode> {
    if !(1..=nlp::ner::BEAM_MAX).contains(&a.beam) || a.beam_prune.is_nan() || a.beam_prune < 0.0 {
        bail!("--beam must be 1 to {} and --beam-prune a number from 0 up", nlp::ner::BEAM_MAX);
    }
    let t0 = Instant::now();
    let mut train_tb = read_conllu(&a.train_tags)?;
    let dev_tb = read_conllu(&a.dev_tags)?;
    let clusters = match &a.clusters {
        Some(p) => WordClusters::load(&std::fs::read(p).with_context(|| format!("reading {}", p.display()))?).with_context(|| format!("loading {}", p.display()))?,
        None => {
            let wc = build_clusters(&a.cluster_text, &a.cluster_treebank, &a.cluster_plain, a.cluster_min_count)?;
            let mut b = Vec::new();
            wc.save(&mut b)?;
            std::fs::write(&a.clusters_out, &b).with_context(|| format!("writing {}", a.clusters_out.display()))?;
            eprintln!("word classes: {} words -> {} ({:.0}s)", wc.len(), a.clusters_out.display(), t0.elapsed().as_secs_f64());
            wc
        }
    };
    if a.jackknife >= 2 {
        jackknife_tags(&mut train_tb, a.jackknife, &clusters, a.jackknife_cache.as_deref())?;
    }
    let (mut train, m1) = with_tags(&read_iob(&a.train)?, Some(&train_tb));
    if a.extra.len() != a.extra_tags.len() {
        bail!("give one --extra-tags treebank per --extra file");
    }
    for (e, t) in a.extra.iter().zip(&a.extra_tags) {
        let (more, _) = with_tags(&read_iob(e)?, Some(&read_conllu(t)?));
        eprintln!("NER: {} more training sentences from {}", more.len(), e.display());
        train.extend(more);
    }
    let (dev, m2) = with_tags(&read_iob(&a.dev)?, Some(&dev_tb));
    eprintln!("NER: {} training sentences ({m1} without tags), {} dev ({m2} without tags)", train.len(), dev.len());
    let names = if a.no_names { Default::default() } else { ner_names(&a.names_geo, a.names_min_population, &a.names_actors, &a.names_petrarch, (!a.no_company_names).then_some(a.names_companies.as_path()))? };
    eprintln!("name set: {} keys", names.len());
    if a.silver > 0 && a.silver_news.is_dir() {
        let nlp = nlp::Nlp::load_default().map_err(anyhow::Error::msg)?;
        let silver = silver_examples(&reuters_bodies(&a.silver_news)?, &names, &nlp, a.silver);
        eprintln!("NER: {} more training sentences labelled by the name set alone, from {}", silver.len(), a.silver_news.display());
        train.extend(silver);
    } else if a.silver > 0 {
        eprintln!("note: {} not found; training without news sentences labelled by the name set", a.silver_news.display());
    }
    if a.capitals_every > 0 {
        // headlines and wire copy in capitals ("RUGBY UNION - CUTTITTA BACK FOR ITALY"): some
        // sentences again in capitals, with the tags the built-in tagger gives them so
        let tagger = nlp::tagger::Tagger::load_default().map_err(anyhow::Error::msg)?;
        let copies: Vec<NerExample> = train
            .iter()
            .enumerate()
            .filter(|(i, _)| i % a.capitals_every == 0)
            .map(|(i, ex)| {
                let forms: Vec<String> = ex.forms.iter().map(|f| f.to_uppercase()).collect();
                let (upos, xpos) = tagger_tags(&tagger, &forms.iter().map(|s| s.as_str()).collect::<Vec<_>>());
                NerExample { forms, upos, xpos, spans: ex.spans.clone(), doc: format!("caps-{i}") }
            })
            .collect();
        eprintln!("NER: {} sentences copied in capitals", copies.len());
        train.extend(copies);
    }
    let opts = NerTrainOptions { epochs: a.epochs, seed: a.seed, bits: a.bits, min_abs: a.min_abs, beam: nlp::ner::Beam { width: a.beam, prune: a.beam_prune }, doc_memory: !a.no_doc_memory, models: a.models };
    let ner = Ner::train(&train, clusters, names, &opts, |e, acc| eprintln!("epoch {e}: train token accuracy {acc:.2} ({:.0}s)", t0.elapsed().as_secs_f64()));
    let mut bytes = Vec::new();
    ner.save(&mut bytes)?;
    std::fs::write(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    let ner = Ner::from_bytes(&bytes)?;
    let sc = ner_scores(&ner, &dev, &Tags::Gold);
    println!("wrote {} ({} bytes) in {:.1}s; dev (gold tags):", a.out.display(), bytes.len(), t0.elapsed().as_secs_f64());
    print_ner(&sc, "dev");
    let (p, r, f) = prf(sc.micro());
    let fg = prf(micro_gold_types(&sc)).2;
    println!("dev_p={p:.2} dev_r={r:.2} dev_f1={f:.2} dev_f1_gold_types={fg:.2} bytes={} seconds={:.1}", bytes.len(), t0.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// `dateline eval ner`
#[derive(ClapParser)]
struct EvalNerArgs {
    /// Gold entities (IOB2).
    #[arg(long)]
    gold: PathBuf,
    /// Treebank (CoNLL-U) with gold tags for the same sentences (matched by sent_id), for
    /// the gold-tag score.
    #[arg(long)]
    tags: Option<PathBuf>,
    /// A model file instead of the built-in model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// A tagger model file for the predicted tags instead of the built-in tagger (which has
    /// seen the EWT dev set: score dev with a tagger trained on train only).
    #[arg(long)]
    tagger: Option<PathBuf>,
    /// Also print each sentence's missed (`-`) and spurious (`+`) entities (predicted tags).
    #[arg(long)]
    errors: bool,
}

fn load_ner(model: &Option<PathBuf>) -> Result<Ner> {
    load_model(model, "NER", "ner", Ner::from_bytes, Ner::load_default)
}

fn eval_ner(a: EvalNerArgs) -> Result<ExitCode> {
    let ner = load_ner(&a.model)?;
    let gold = read_iob(&a.gold)?;
    // the built-in tagger's tags (as `Nlp` assigns them before the NER runs), or --tagger's
    let tagger = match &a.tagger {
        Some(_) => Ok(super::nlp_tag::load_tagger(&a.tagger)?),
        None => nlp::tagger::Tagger::load_default(),
    };
    let tb = match &a.tags {
        Some(p) => Some(read_conllu(p)?),
        None => None,
    };
    let (data, missing) = with_tags(&gold, tb.as_deref());
    let words: usize = data.iter().map(|d| d.forms.len()).sum();
    println!("{}: {} sentences, {words} words, gold tokens; exact-span entity scores", a.gold.display(), data.len());
    let mut gold_line = String::new();
    if tb.is_some() {
        let sc = ner_scores(&ner, &data, &Tags::Gold);
        println!("\nwith the treebank's gold tags ({missing} sentences without):");
        print_ner(&sc, "");
        gold_line = format!(" f1_gold_tags={:.2} f1_gold_types_gold_tags={:.2}", prf(sc.micro()).2, prf(micro_gold_types(&sc)).2);
    }
    let tagger = match tagger {
        Ok(t) => t,
        Err(e) => {
            println!("\npredicted tags: not available ({e})");
            println!("{}", gold_line.trim_start());
            return Ok(ExitCode::SUCCESS);
        }
    };
    if a.errors {
        print_ner_errors(&ner, &data, &tagger);
    }
    let t0 = Instant::now();
    let sc = ner_scores(&ner, &data, &Tags::Tagger(&tagger));
    let secs = t0.elapsed().as_secs_f64();
    // the NER alone, on the predicted tags: this thread's CPU time over passes that add up
    // to at least 2 s (steadier than wall time on a busy machine)
    let tagged: Vec<(Vec<String>, Vec<String>)> = data.iter().map(|ex| tagger_tags(&tagger, &ex.forms.iter().map(|s| s.as_str()).collect::<Vec<_>>())).collect();
    let cpu0 = thread_cpu_seconds();
    let mut passes = 0usize;
    while passes == 0 || thread_cpu_seconds() - cpu0 < 2.0 {
        passes += 1;
        let mut memory = nlp::ner::DocMemory::default();
        let mut found = 0usize;
        for (k, (ex, (u, x))) in data.iter().zip(&tagged).enumerate() {
            if k == 0 || ex.doc != data[k - 1].doc {
                memory.clear();
            }
            let f: Vec<&str> = ex.forms.iter().map(|s| s.as_str()).collect();
            let u: Vec<&str> = u.iter().map(|s| s.as_str()).collect();
            let x: Vec<&str> = x.iter().map(|s| s.as_str()).collect();
            found += ner.tag_in_doc(&f, &u, &x, &mut memory).len();
        }
        std::hint::black_box(found);
    }
    let ner_secs = (thread_cpu_seconds() - cpu0).max(1e-9) / passes as f64;
    println!("\nwith predicted tags ({:.0} words/s tagging + NER; NER alone {:.0} words/s):", words as f64 / secs, words as f64 / ner_secs);
    print_ner(&sc, "");
    let (p, r, f) = prf(sc.micro());
    let (gp, gr, gf) = prf(micro_gold_types(&sc));
    let mut line = format!("ner_words_per_s={:.0} p={p:.2} r={r:.2} f1={f:.2}", words as f64 / ner_secs) + &format!(" p_gold_types={gp:.2} r_gold_types={gr:.2} f1_gold_types={gf:.2}");
    for (t, c) in TYPES.iter().zip(sc.per_type) {
        line += &format!(" f1_{}={:.2}", t.as_str().to_lowercase(), prf(c).2);
    }
    println!("{line}{gold_line}");
    Ok(ExitCode::SUCCESS)
}

/// CPU seconds (user + system) this thread has used, from `/proc/thread-self/stat`
/// (0 where that is not available).
fn thread_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else { return 0.0 };
    // fields after the parenthesized command name: utime and stime are the 12th and 13th
    let rest = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0) + f.get(12).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// Prints the missed (`-`) and spurious (`+`) entities of each sentence with errors.
fn print_ner_errors(ner: &Ner, data: &[NerExample], tagger: &nlp::tagger::Tagger) {
    let mut memory = nlp::ner::DocMemory::default();
    for (k, ex) in data.iter().enumerate() {
        if k == 0 || ex.doc != data[k - 1].doc {
            memory.clear();
        }
        let f: Vec<&str> = ex.forms.iter().map(|s| s.as_str()).collect();
        let (u, x) = tagger_tags(tagger, &f);
        let u: Vec<&str> = u.iter().map(|s| s.as_str()).collect();
        let x: Vec<&str> = x.iter().map(|s| s.as_str()).collect();
        let pred = ner.tag_in_doc(&f, &u, &x, &mut memory);
        let show = |&(s, e, l): &(usize, usize, model::EntityLabel)| format!("[{} {}]", f[s..e].join(" "), l.as_str());
        let missed: Vec<String> = ex.spans.iter().filter(|g| !pred.contains(g)).map(show).collect();
        let extra: Vec<String> = pred.iter().filter(|p| !ex.spans.contains(p)).map(show).collect();
        if !missed.is_empty() || !extra.is_empty() {
            println!("ERR {}\n  - {}\n  + {}", f.join(" "), missed.join(" "), extra.join(" "));
        }
    }
}

/// `dateline bench nlp`
#[derive(ClapParser)]
struct BenchArgs {
    /// Folder of plain-text articles (title on line 1).
    #[arg(long, default_value = "../shared/data/corpora/bbc")]
    corpus: PathBuf,
    /// Passes over the corpus (the rate is over all of them; with several, each pass's rate
    /// and their median are printed too, steadier on a machine whose speed varies).
    #[arg(long, default_value_t = 1)]
    passes: usize,
    /// An NER model file instead of the built-in model (to compare models' speed).
    #[arg(long)]
    ner_model: Option<PathBuf>,
}

/// Replaces the treebank's (UPOS, XPOS) tags with `tags` (per sentence; a sentence whose
/// count differs keeps its own) and returns (words whose UPOS was already that, words replaced).
fn use_tags(sents: &mut [nlp::conllu::Sentence], tags: &[Vec<(String, String)>]) -> (usize, usize) {
    let (mut same, mut total) = (0usize, 0usize);
    for (s, t) in sents.iter_mut().zip(tags) {
        if t.len() == s.words.len() {
            for (w, (u, x)) in s.words.iter_mut().zip(t) {
                same += usize::from(w.upos == *u);
                total += 1;
                w.upos = u.clone();
                w.xpos = x.clone();
            }
        }
    }
    (same, total)
}

/// CPU time of the calling thread, in seconds: the stage timings of `bench nlp` count it
/// beside wall time, so that other work on the machine does not inflate them.
pub(crate) fn thread_cpu_s() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return f64::NAN;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// The median of `v` (the mean of the middle two for an even count; 0 when empty).
fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => 0.0,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// Peak resident set size in kB (VmHWM), if the platform reports it.
fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let p = e?.path();
        if p.is_dir() {
            collect_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
    Ok(())
}

fn bench_nlp(a: BenchArgs) -> Result<ExitCode> {
    use model::{Article, Doc};
    let mut files = Vec::new();
    collect_files(&a.corpus, &mut files)?;
    files.sort();
    let mut texts = Vec::with_capacity(files.len());
    for f in &files {
        let t = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        texts.push(String::from_utf8_lossy(&t).into_owned());
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let t0 = Instant::now();
    let mut nlp = nlp::Nlp::load_default().map_err(|e| anyhow!(e))?;
    let load = t0.elapsed().as_secs_f64();
    if a.ner_model.is_some() {
        nlp.set_ner(load_ner(&a.ner_model)?);
    }
    // `Nlp::run_steps` on runs of `pipeline::BATCH` articles, as `dateline code` runs them,
    // each step timed (one thread)
    let mut secs = [0f64; 4];
    let mut cpu = [0f64; 4];
    let (mut n_tok, mut n_ent, mut n_sent) = (0usize, 0usize, 0usize);
    let mut pass_rates = Vec::new();
    for _ in 0..a.passes.max(1) {
        let (secs0, toks0) = (secs.iter().sum::<f64>(), n_tok);
        for run in texts.chunks(pipeline::BATCH) {
            let mut docs: Vec<Doc> = run.iter().map(|t| Doc::new(Article { text: t.clone(), ..Default::default() })).collect();
            let mut last = (Instant::now(), thread_cpu_s());
            nlp.run_steps(&mut docs, |step| {
                let now = (Instant::now(), thread_cpu_s());
                secs[step as usize] += (now.0 - last.0).as_secs_f64();
                cpu[step as usize] += now.1 - last.1;
                last = now;
            });
            for d in &docs {
                n_tok += d.tokens.len();
                n_sent += d.sentences.len();
                n_ent += d.entities.len();
            }
        }
        pass_rates.push((n_tok - toks0) as f64 / (secs.iter().sum::<f64>() - secs0));
    }
    let [t_tok, t_tag, t_parse, t_ner] = secs;
    let total = t_tok + t_tag + t_parse + t_ner;
    let median = median(&pass_rates);
    let rate = n_tok as f64 / total;
    let rss = peak_rss_kb().unwrap_or(0);
    let passes = a.passes.max(1);
    println!("corpus: {} ({} files, {:.1} MB, {} tokens, {} sentences per pass; {passes} pass(es), one thread)", a.corpus.display(), texts.len(), bytes as f64 / 1e6, n_tok / passes, n_sent / passes);
    println!("models: parser {}, NER {}; all NLP models load in {:.0} ms", if nlp.has_parser() { "yes" } else { "MISSING" }, if nlp.has_ner() { "yes" } else { "MISSING" }, load * 1e3);
    for (i, (name, secs)) in [("tokenize + sentences", t_tok), ("tag + lemmatize", t_tag), ("parse", t_parse), ("NER", t_ner)].into_iter().enumerate() {
        println!("  {name:<22} {:>10.0} tokens/s  ({:.2} s, {:.0}% of the time; {:.0} tokens per CPU second)", n_tok as f64 / secs, secs, 100.0 * secs / total, n_tok as f64 / cpu[i]);
    }
    let cpu_total: f64 = cpu.iter().sum();
    println!("tokenize+tag+parse+NER   {:>10.0} tokens/s  ({} entities per pass; {:.0} tokens per CPU second of the thread)", rate, n_ent / passes, n_tok as f64 / cpu_total);
    if pass_rates.len() > 1 {
        let each: Vec<String> = pass_rates.iter().map(|r| format!("{r:.0}")).collect();
        println!("  each pass: {} tokens/s; median {median:.0}", each.join(", "));
    }
    println!("spaCy en_core_web_sm, full pipeline, same kind of machine: 4600 words/s  (dateline {:.1}x)", rate / 4600.0);
    println!("peak RSS: {:.1} MB", rss as f64 / 1024.0);
    println!(
        "tokens_per_s={:.0} tokens_per_cpu_s={:.0} tokenize_per_s={:.0} tag_per_s={:.0} parse_per_s={:.0} ner_per_s={:.0} load_ms={:.0} peak_rss_mb={:.1} tokens={} entities={} spacy_words_per_s=4600 median_pass_tokens_per_s={median:.0}",
        rate,
        n_tok as f64 / cpu_total,
        n_tok as f64 / t_tok,
        n_tok as f64 / t_tag,
        n_tok as f64 / t_parse,
        n_tok as f64 / t_ner,
        load * 1e3,
        rss as f64 / 1024.0,
        n_tok / passes,
        n_ent / passes
    );
    Ok(ExitCode::SUCCESS)
}

/// Decodes the few SGML entities of Reuters-21578.
fn unescape_sgml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 8);
        match end.map(|e| &rest[..=e]) {
            Some("&lt;") => out.push('<'),
            Some("&gt;") => out.push('>'),
            Some("&amp;") => out.push('&'),
            Some("&quot;") => out.push('"'),
            Some(e) if e.starts_with("&#") => out.push(' '),
            _ => {
                out.push('&');
                rest = &rest[1..];
                continue;
            }
        }
        rest = &rest[end.unwrap_or(0) + 1..];
    }
    out.push_str(rest);
    out
}

/// `*.txt` files under `dir` (sorted, README files left out).
fn txt_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            txt_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "txt") && !p.file_name().is_some_and(|n| n.to_string_lossy().to_lowercase().starts_with("readme")) {
            out.push(p);
        }
    }
    Ok(())
}

/// `dateline train affinity`
#[derive(ClapParser)]
struct TrainAffinityArgs {
    /// Reuters-21578 stories (`.sgm` files in this folder) to parse …
    #[arg(long, default_value = "../shared/data/corpora/reuters21578")]
    reuters: PathBuf,
    /// … and the `.txt` files under these folders.
    #[arg(long, default_value = "../shared/data/corpora/bbc")]
    text: Vec<PathBuf>,
    /// Keep the pairs and triples seen at least this many times.
    #[arg(long, default_value_t = 2)]
    min_count: u32,
    /// Where to write the table (`dateline train parser --affinity` reads it).
    #[arg(long, default_value = "models/affinity.bin")]
    out: PathBuf,
}

/// Parses news with the built-in tagger and parser and counts which words attach to which
/// (nlp::affinity), for the tree reviser.
fn train_affinity(a: TrainAffinityArgs) -> Result<ExitCode> {
    let t0 = Instant::now();
    let mut texts: Vec<String> = reuters_bodies(&a.reuters)?.iter().map(|b| unwrap_lines(b)).collect();
    let mut files = Vec::new();
    for d in &a.text {
        txt_files(d, &mut files)?;
    }
    for f in &files {
        texts.push(String::from_utf8_lossy(&std::fs::read(f).with_context(|| format!("reading {}", f.display()))?).into_owned());
    }
    let nlp = nlp::Nlp::load_default().map_err(anyhow::Error::msg)?;
    let p = nlp.parser().context("no built-in parser to parse the news with")?;
    let mut counts = nlp::affinity::Counts::default();
    let mut scratch = nlp::TagScratch::default();
    for t in &texts {
        let tk = nlp::tokenize::tokenize(t);
        for &(s, e) in &tk.sentences {
            let forms: Vec<&str> = tk.tokens[s..e].iter().map(|x| &t[x.start..x.end]).collect();
            if !(3..=nlp::revise::MAX_WORDS).contains(&forms.len()) {
                continue;
            }
            let (up, xp) = predicted_tags(&nlp, &forms, &mut scratch);
            let up: Vec<&str> = up.iter().map(|x| x.as_str()).collect();
            let xp: Vec<&str> = xp.iter().map(|x| x.as_str()).collect();
            let tree = p.parse(&forms, &up, &xp);
            let n = forms.len();
            let words: Vec<u64> = forms.iter().map(|f| nlp::revise::lower_hash(f)).collect();
            let heads: Vec<usize> = tree.iter().map(|(h, _)| if *h < 0 { n } else { *h as usize }).collect();
            let rels: Vec<u64> = tree.iter().map(|(_, l)| nlp::revise::rel_hash(l)).collect();
            counts.add(&words, &heads, &rels);
        }
    }
    let table = counts.finish(a.min_count);
    let mut b = Vec::new();
    table.save(&mut b)?;
    std::fs::write(&a.out, &b).with_context(|| format!("writing {}", a.out.display()))?;
    println!("parsed {} texts, {} sentences, {} words; {} pairs and triples seen {}+ times -> {} ({} bytes) in {:.1}s", texts.len(), counts.sentences, counts.tokens, table.len(), a.min_count, a.out.display(), b.len(), t0.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// The story texts (`<BODY>`) of the Reuters-21578 `.sgm` files in `dir`, in file order.
fn reuters_bodies(dir: &Path) -> Result<Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sgm"))
        .collect();
    files.sort();
    let mut texts: Vec<String> = Vec::new();
    for f in &files {
        let raw = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        let raw = String::from_utf8_lossy(&raw);
        for part in raw.split("<BODY>").skip(1) {
            let body = part.split("</BODY>").next().unwrap_or("");
            texts.push(unescape_sgml(body));
        }
    }
    Ok(texts)
}

/// Word classes from Reuters-21578 bodies and a treebank's sentences.
fn build_clusters(text_dir: &Path, treebank: &Path, plain: &[PathBuf], min_count: u32) -> Result<WordClusters> {
    let mut texts = reuters_bodies(text_dir)?;
    let mut txt = Vec::new();
    for d in plain {
        txt_files(d, &mut txt)?;
    }
    for f in &txt {
        texts.push(String::from_utf8_lossy(&std::fs::read(f).with_context(|| format!("reading {}", f.display()))?).into_owned());
    }
    let mut sents: Vec<Vec<String>> = Vec::new();
    for t in &texts {
        let tk = nlp::tokenize::tokenize(t);
        for &(a, b) in &tk.sentences {
            sents.push(tk.tokens[a..b].iter().map(|x| t[x.start..x.end].to_string()).collect());
        }
    }
    let n_news = sents.len();
    for s in read_conllu(treebank)? {
        sents.push(s.words.iter().map(|w| w.form.clone()).collect());
    }
    eprintln!("word classes from {} articles ({n_news} sentences) and {} treebank sentences", texts.len(), sents.len() - n_news);
    Ok(WordClusters::build(sents.iter().map(|s| s.iter().map(|x| x.as_str()).collect()), min_count))
}

#[cfg(test)]
mod tests {
    #[test]
    fn medians() {
        assert_eq!(super::median(&[]), 0.0);
        assert_eq!(super::median(&[3.0]), 3.0);
        assert_eq!(super::median(&[5.0, 1.0, 4.0]), 4.0);
        assert_eq!(super::median(&[4.0, 1.0, 2.0, 9.0]), 3.0);
    }

    #[test]
    fn wrapped_lines_are_joined_into_paragraphs() {
        let story = "  Acme Corp said it would buy\nthe unit.\n    It gave no price.\n\nShares rose.\n";
        assert_eq!(super::unwrap_lines(story), "Acme Corp said it would buy the unit.\n\nIt gave no price.\n\nShares rose.");
    }

    #[test]
    fn news_sentences_are_labelled_only_where_every_name_is_known() {
        use nlp::ner::names::{bits, NameSet};
        let names = NameSet::build(vec![
            (vec!["Acme", "Corp"], bits::ORG),
            (vec!["Paris"], bits::LOC_MAJOR),
            (vec!["French"], bits::DEMONYM),
            (vec!["Mr"], bits::TITLE),
            (vec!["Jean", "Dupont"], bits::PER),
        ]);
        let texts = vec![
            "Acme Corp said on Monday that it would open a plant in Paris.\n\nMr Jean Dupont, a French banker, backed the plan.\n\nZorblax Ltd said it would bid for Acme Corp.".to_string(),
        ];
        let nlp = nlp::Nlp::load_default().unwrap();
        let got = super::silver_examples(&texts, &names, &nlp, 10);
        let shown: Vec<Vec<(String, &str)>> = got.iter().map(|e| e.spans.iter().map(|&(a, b, l)| (e.forms[a..b].join(" "), l.as_str())).collect()).collect();
        // the third sentence names a company the set does not know: left out
        assert_eq!(
            shown,
            vec![
                vec![("Acme Corp".to_string(), "ORG"), ("Paris".to_string(), "LOC")],
                vec![("Jean Dupont".to_string(), "PER"), ("French".to_string(), "OTH")],
            ]
        );
        assert_eq!(got[0].doc, got[1].doc);
        assert_eq!(got[0].upos.len(), got[0].forms.len());
        assert_eq!(super::silver_examples(&texts, &names, &nlp, 1).len(), 1);
    }

    #[test]
    fn unescapes_sgml_entities() {
        assert_eq!(super::unescape_sgml("a &lt;b&gt; &amp; c&#3;d & e"), "a <b> & c d & e");
    }
}
