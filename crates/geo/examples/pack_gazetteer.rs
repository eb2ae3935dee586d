//! Packs the text gazetteer written by `scripts/gazetteer/build.py` into the binary form that
//! `geo::Gazetteer::load_default` reads without parsing (`crates/geo/data/gazetteer.bin`),
//! then reloads the result and checks that it gives the same entries and lookups.
//!
//!     cargo run --release -p geo --example pack_gazetteer -- IN.tsv[.gz] crates/geo/data/gazetteer.bin
use geo::data::Data;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = &args[..] else {
        return Err("usage: pack_gazetteer IN.tsv[.gz] OUT.bin".into());
    };
    let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let text = if input.ends_with(".gz") {
        Data::gunzip(&bytes, input)?
    } else {
        String::from_utf8(bytes).map_err(|e| format!("{input}: not UTF-8: {e}"))?
    };
    let text: &'static str = Box::leak(text.into_boxed_str());
    let data = Data::from_text(text, input)?;
    let bin: &'static [u8] = Box::leak(data.to_bin()?.into_boxed_slice());
    let back = Data::from_bin(bin, output)?;
    data.check_same(&back)?;
    std::fs::write(output, bin).map_err(|e| format!("{output}: {e}"))?;
    eprintln!("wrote {} entries, {} keys, {} bytes to {output}", data.entries.len(), data.index_len(), bin.len());
    Ok(())
}
