//! Reading CoNLL-U treebanks (Universal Dependencies) for training and evaluation.
//! Multi-word token lines (`1-2`) and empty nodes (`1.1`) are kept apart from the words.

/// One syntactic word of a CoNLL-U sentence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Word {
    /// FORM.
    pub form: String,
    /// LEMMA.
    pub lemma: String,
    /// UPOS.
    pub upos: String,
    /// XPOS.
    pub xpos: String,
    /// FEATS.
    pub feats: String,
    /// HEAD, 1-based; 0 for root.
    pub head: usize,
    /// DEPREL.
    pub deprel: String,
    /// MISC (e.g. `SpaceAfter=No`).
    pub misc: String,
}

/// A multi-word token (`3-4 don't`): the surface form over words `first..=last` (1-based).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MultiWord {
    /// First word id.
    pub first: usize,
    /// Last word id.
    pub last: usize,
    /// Surface form.
    pub form: String,
    /// MISC.
    pub misc: String,
}

/// One sentence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sentence {
    /// `# sent_id`.
    pub id: String,
    /// `# text`.
    pub text: String,
    /// Whether a `# newdoc` comment opens it.
    pub newdoc: bool,
    /// Whether a `# newpar` comment opens it.
    pub newpar: bool,
    /// The words; `words[i]` has id `i + 1`.
    pub words: Vec<Word>,
    /// Multi-word tokens.
    pub multiwords: Vec<MultiWord>,
}

/// Parses CoNLL-U text. Malformed lines are reported as `Err((line_number, message))`.
pub fn parse(text: &str) -> Result<Vec<Sentence>, (usize, String)> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim_start();
            if let Some(v) = c.strip_prefix("sent_id =") {
                cur.id = v.trim().to_string();
            } else if let Some(v) = c.strip_prefix("text =") {
                cur.text = v.trim().to_string();
            } else if c.starts_with("newdoc") {
                cur.newdoc = true;
            } else if c.starts_with("newpar") {
                cur.newpar = true;
            }
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 10 {
            return Err((n + 1, format!("expected 10 tab-separated columns, found {}", f.len())));
        }
        if f[0].contains('.') {
            continue; // empty node
        }
        if let Some((a, b)) = f[0].split_once('-') {
            let (first, last) = (a.parse().map_err(|_| (n + 1, "bad range".to_string()))?, b.parse().map_err(|_| (n + 1, "bad range".to_string()))?);
            cur.multiwords.push(MultiWord { first, last, form: f[1].to_string(), misc: f[9].to_string() });
            continue;
        }
        let head = if f[6] == "_" { 0 } else { f[6].parse().map_err(|_| (n + 1, format!("bad HEAD {:?}", f[6])))? };
        cur.words.push(Word {
            form: f[1].to_string(),
            lemma: f[2].to_string(),
            upos: f[3].to_string(),
            xpos: f[4].to_string(),
            feats: f[5].to_string(),
            head,
            deprel: f[7].to_string(),
            misc: f[9].to_string(),
        });
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

impl Word {
    /// Whether MISC says no space follows.
    pub fn space_after_no(&self) -> bool {
        self.misc.split('|').any(|m| m == "SpaceAfter=No")
    }
}

/// Reads and parses a CoNLL-U file; errors name the file (and line).
pub fn read_file(path: &std::path::Path) -> Result<Vec<Sentence>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|(line, m)| format!("{}:{line}: {m}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_words_multiwords_and_comments() {
        let t = "# sent_id = s1\n# text = I don't.\n1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_\n2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n2\tdo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t0\troot\t_\t_\n4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n";
        let s = super::parse(t).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].id, "s1");
        assert_eq!(s[0].words.len(), 4);
        assert_eq!(s[0].multiwords[0].form, "don't");
        assert_eq!(s[0].words[2].head, 0);
        assert!(super::parse("1\tx\n").is_err());
    }
}
