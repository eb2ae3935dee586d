//! A small Parquet writer: flat schemas of INT32, INT64, DOUBLE, BOOLEAN and UTF-8 string
//! columns (required or optional), PLAIN encoding, no compression, one data page per column
//! chunk, row groups of [`ROW_GROUP`] rows. That is all pandas, R arrow, DuckDB and Spark
//! need to read an event table, and it costs ~300 lines instead of the `parquet` crate's
//! build (arrow-free but still dozens of crates; see the store note for timings).
//!
//! File layout (Parquet format 2): `PAR1`, column chunks (page header + page per chunk),
//! the Thrift-compact-encoded `FileMetaData`, its length (u32 LE), `PAR1`.

use std::io::{self, Write};

/// Rows per row group.
pub const ROW_GROUP: usize = 65_536;

/// A column's physical/logical type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// 32-bit signed integer.
    Int32,
    /// 64-bit signed integer.
    Int64,
    /// IEEE double.
    Double,
    /// Boolean.
    Bool,
    /// UTF-8 string (BYTE_ARRAY annotated UTF8).
    Utf8,
}

impl Type {
    fn physical(self) -> i32 {
        match self {
            Type::Bool => 0,
            Type::Int32 => 1,
            Type::Int64 => 2,
            Type::Double => 5,
            Type::Utf8 => 6,
        }
    }
}

/// One column of the schema.
#[derive(Clone, Debug)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Whether it may hold nulls.
    pub optional: bool,
}

impl Column {
    /// A column.
    pub fn new(name: &str, ty: Type, optional: bool) -> Column {
        Column { name: name.to_string(), ty, optional }
    }
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Null (only in optional columns).
    Null,
    /// INT32.
    I32(i32),
    /// INT64.
    I64(i64),
    /// DOUBLE.
    F64(f64),
    /// BOOLEAN.
    Bool(bool),
    /// UTF-8 string.
    Str(&'a str),
}

#[derive(Default)]
struct ColumnBuf {
    values: Vec<u8>,
    defs: Vec<bool>,
    bools: Vec<bool>,
    nulls: usize,
}

struct ChunkMeta {
    offset: u64,
    size: u64,
    num_values: usize,
}

struct GroupMeta {
    rows: usize,
    chunks: Vec<ChunkMeta>,
}

/// Streams rows into a Parquet file.
pub struct Writer<W: Write> {
    out: W,
    pos: u64,
    schema: Vec<Column>,
    bufs: Vec<ColumnBuf>,
    rows: usize,
    groups: Vec<GroupMeta>,
}

fn invalid(m: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, m)
}

impl<W: Write> Writer<W> {
    /// Starts a file with this schema.
    pub fn new(mut out: W, schema: Vec<Column>) -> io::Result<Writer<W>> {
        out.write_all(b"PAR1")?;
        let bufs = schema.iter().map(|_| ColumnBuf::default()).collect();
        Ok(Writer { out, pos: 4, schema, bufs, rows: 0, groups: Vec::new() })
    }

    /// Appends a row (one cell per column, in schema order).
    pub fn push(&mut self, row: &[Cell]) -> io::Result<()> {
        if row.len() != self.schema.len() {
            return Err(invalid(format!("parquet: row has {} cells, schema {}", row.len(), self.schema.len())));
        }
        // Check the whole row first so that a bad row leaves the columns aligned.
        for (c, col) in row.iter().zip(&self.schema) {
            let ok = match (col.ty, c) {
                (_, Cell::Null) => col.optional,
                (Type::Int32, Cell::I32(_)) | (Type::Int64, Cell::I64(_)) | (Type::Double, Cell::F64(_)) => true,
                (Type::Bool, Cell::Bool(_)) | (Type::Utf8, Cell::Str(_)) => true,
                _ => false,
            };
            if !ok {
                return Err(invalid(format!("parquet: {c:?} does not fit {:?} column {} (optional: {})", col.ty, col.name, col.optional)));
            }
        }
        for ((c, col), b) in row.iter().zip(&self.schema).zip(&mut self.bufs) {
            if matches!(c, Cell::Null) {
                b.defs.push(false);
                b.nulls += 1;
                continue;
            }
            if col.optional {
                b.defs.push(true);
            }
            match (col.ty, c) {
                (Type::Int32, Cell::I32(v)) => b.values.extend_from_slice(&v.to_le_bytes()),
                (Type::Int64, Cell::I64(v)) => b.values.extend_from_slice(&v.to_le_bytes()),
                (Type::Double, Cell::F64(v)) => b.values.extend_from_slice(&v.to_le_bytes()),
                (Type::Bool, Cell::Bool(v)) => b.bools.push(*v),
                (Type::Utf8, Cell::Str(s)) => {
                    b.values.extend_from_slice(&(s.len() as u32).to_le_bytes());
                    b.values.extend_from_slice(s.as_bytes());
                }
                (t, c) => return Err(invalid(format!("parquet: {c:?} in {t:?} column {}", col.name))),
            }
        }
        self.rows += 1;
        if self.rows == ROW_GROUP {
            self.flush_group()?;
        }
        Ok(())
    }

    fn flush_group(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut chunks = Vec::with_capacity(self.schema.len());
        for (col, b) in self.schema.iter().zip(&mut self.bufs) {
            let mut page = Vec::new();
            if col.optional {
                let levels = rle_bits(&b.defs);
                page.extend_from_slice(&(levels.len() as u32).to_le_bytes());
                page.extend_from_slice(&levels);
            }
            if col.ty == Type::Bool {
                let mut bytes = vec![0u8; b.bools.len().div_ceil(8)];
                for (i, v) in b.bools.iter().enumerate() {
                    if *v {
                        bytes[i / 8] |= 1 << (i % 8);
                    }
                }
                page.extend_from_slice(&bytes);
            } else {
                page.extend_from_slice(&b.values);
            }
            if page.len() > i32::MAX as usize {
                return Err(invalid(format!("parquet: page of column {} too large", col.name)));
            }
            let mut h = Thrift::default();
            h.i32(1, 0); // DATA_PAGE
            h.i32(2, page.len() as i32);
            h.i32(3, page.len() as i32);
            h.begin_struct(5);
            h.i32(1, self.rows as i32);
            h.i32(2, 0); // PLAIN
            h.i32(3, 3); // RLE definition levels
            h.i32(4, 3); // RLE repetition levels
            h.end_struct();
            h.stop();
            let offset = self.pos;
            self.out.write_all(&h.buf)?;
            self.out.write_all(&page)?;
            let size = (h.buf.len() + page.len()) as u64;
            self.pos += size;
            chunks.push(ChunkMeta { offset, size, num_values: self.rows });
            *b = ColumnBuf::default();
        }
        self.groups.push(GroupMeta { rows: self.rows, chunks });
        self.rows = 0;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_group()?;
        let total: usize = self.groups.iter().map(|g| g.rows).sum();
        let mut t = Thrift::default();
        t.i32(1, 1);
        t.list_begin(2, 12, self.schema.len() + 1);
        // root
        t.elem_struct_begin();
        t.string(4, "schema");
        t.i32(5, self.schema.len() as i32);
        t.elem_struct_end();
        for c in &self.schema {
            t.elem_struct_begin();
            t.i32(1, c.ty.physical());
            t.i32(3, if c.optional { 1 } else { 0 });
            t.string(4, &c.name);
            if c.ty == Type::Utf8 {
                t.i32(6, 0); // ConvertedType UTF8
            }
            t.elem_struct_end();
        }
        t.i64(3, total as i64);
        t.list_begin(4, 12, self.groups.len());
        for g in &self.groups {
            t.elem_struct_begin();
            t.list_begin(1, 12, g.chunks.len());
            for (c, col) in g.chunks.iter().zip(&self.schema) {
                t.elem_struct_begin();
                t.i64(2, c.offset as i64);
                t.begin_struct(3);
                t.i32(1, col.ty.physical());
                t.list_begin(2, 5, 2);
                t.elem_i32(0);
                t.elem_i32(3);
                t.list_begin(3, 8, 1);
                t.elem_string(&col.name);
                t.i32(4, 0); // UNCOMPRESSED
                t.i64(5, c.num_values as i64);
                t.i64(6, c.size as i64);
                t.i64(7, c.size as i64);
                t.i64(9, c.offset as i64);
                t.end_struct();
                t.elem_struct_end();
            }
            t.i64(2, g.chunks.iter().map(|c| c.size).sum::<u64>() as i64);
            t.i64(3, g.rows as i64);
            t.elem_struct_end();
        }
        t.string(6, concat!("dateline ", env!("CARGO_PKG_VERSION")));
        t.stop();
        self.out.write_all(&t.buf)?;
        self.out.write_all(&(t.buf.len() as u32).to_le_bytes())?;
        self.out.write_all(b"PAR1")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// RLE/bit-packed hybrid encoding of 1-bit levels, using RLE runs only.
fn rle_bits(v: &[bool]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && v[j] == v[i] {
            j += 1;
        }
        varint(&mut out, ((j - i) as u64) << 1);
        out.push(v[i] as u8);
        i = j;
    }
    out
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Thrift compact protocol, just what the Parquet footer and page headers use.
#[derive(Default)]
struct Thrift {
    buf: Vec<u8>,
    last: i16,
    stack: Vec<i16>,
}

impl Thrift {
    fn field(&mut self, id: i16, ty: u8) {
        let delta = id - self.last;
        if delta > 0 && delta <= 15 {
            self.buf.push(((delta as u8) << 4) | ty);
        } else {
            self.buf.push(ty);
            varint(&mut self.buf, zigzag(id as i64));
        }
        self.last = id;
    }
    fn i32(&mut self, id: i16, v: i32) {
        self.field(id, 5);
        varint(&mut self.buf, zigzag(v as i64));
    }
    fn i64(&mut self, id: i16, v: i64) {
        self.field(id, 6);
        varint(&mut self.buf, zigzag(v));
    }
    fn string(&mut self, id: i16, s: &str) {
        self.field(id, 8);
        self.elem_string(s);
    }
    fn elem_string(&mut self, s: &str) {
        varint(&mut self.buf, s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }
    fn elem_i32(&mut self, v: i32) {
        varint(&mut self.buf, zigzag(v as i64));
    }
    fn list_begin(&mut self, id: i16, elem: u8, n: usize) {
        self.field(id, 9);
        if n < 15 {
            self.buf.push(((n as u8) << 4) | elem);
        } else {
            self.buf.push(0xF0 | elem);
            varint(&mut self.buf, n as u64);
        }
    }
    fn begin_struct(&mut self, id: i16) {
        self.field(id, 12);
        self.elem_struct_begin();
    }
    fn end_struct(&mut self) {
        self.elem_struct_end();
    }
    fn elem_struct_begin(&mut self) {
        self.stack.push(self.last);
        self.last = 0;
    }
    fn elem_struct_end(&mut self) {
        self.buf.push(0);
        self.last = self.stack.pop().unwrap_or(0);
    }
    fn stop(&mut self) {
        self.buf.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_well_framed_file() {
        let schema = vec![Column::new("id", Type::Int64, false), Column::new("name", Type::Utf8, true), Column::new("ok", Type::Bool, false)];
        let mut w = Writer::new(Vec::new(), schema).unwrap();
        w.push(&[Cell::I64(1), Cell::Str("a"), Cell::Bool(true)]).unwrap();
        w.push(&[Cell::I64(2), Cell::Null, Cell::Bool(false)]).unwrap();
        assert!(w.push(&[Cell::Null, Cell::Null, Cell::Bool(false)]).is_err());
        assert!(w.push(&[Cell::I64(3)]).is_err());
        let out = w.finish().unwrap();
        assert_eq!(&out[..4], b"PAR1");
        assert_eq!(&out[out.len() - 4..], b"PAR1");
        let n = u32::from_le_bytes(out[out.len() - 8..out.len() - 4].try_into().unwrap()) as usize;
        assert!(n < out.len());
        assert_eq!(rle_bits(&[true, true, false]), vec![4, 1, 2, 0]);
    }
}
