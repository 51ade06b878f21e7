//! A sheet's rows, each packed into one allocation. A table holds every row until it is
//! laid out, since its column widths depend on all of them; a row kept as a list of cells,
//! each its own `String`, cost about 600 bytes for a thought of a few letters, and a summary
//! of 400,000 tool names twice what its JSON took (hostile run 34). Packed, a row costs its
//! texts and a few bytes a cell.

use super::rows::{Cell, Mark};

/// The rows of a sheet, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows(Vec<Held>);

/// How a row is held.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Held {
    /// For each cell, a byte of its mark and whether it is a number, its text's length as
    /// a LEB128 number, then the text.
    Packed(Box<[u8]>),
    /// Its cells as they came, when one holds a text longer than [`LONG`]: packing would
    /// copy it and, for a moment, hold it twice (a 20 MB thought in `--full`), and beside
    /// it what the cells cost of their own is nothing.
    Cells(Box<[Cell]>),
}

/// The longest text a packed row holds.
const LONG: usize = 1024;

/// One row of a sheet, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a>(&'a Held);

/// A cell of a packed row, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef<'a> {
    pub text: &'a str,
    pub mark: Mark,
    pub numeric: bool,
}

const MARKS: [Mark; 5] = [
    Mark::Plain,
    Mark::Error,
    Mark::Injected,
    Mark::Incomplete,
    Mark::Dim,
];

/// The bit of a cell's first byte saying it holds a number; the bits below it are its mark.
const NUMERIC: u8 = 0x80;

impl Rows {
    pub fn push(&mut self, mut cells: Vec<Cell>) {
        if cells.iter().any(|cell| cell.text.len() > LONG) {
            // A text built by pushing may hold twice its length (a 4 KB path and a
            // section: 8 KB, hostile run 49), and the row is held to the end.
            cells.iter_mut().for_each(|cell| cell.text.shrink_to_fit());
            self.0.push(Held::Cells(cells.into_boxed_slice()));
            return;
        }
        let mut packed = Vec::new();
        for cell in &cells {
            put(&mut packed, cell.mark, cell.numeric, &cell.text);
        }
        self.0.push(Held::Packed(packed.into_boxed_slice()));
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn first(&self) -> Option<Row<'_>> {
        self.0.first().map(Row)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Row<'_>> + Clone {
        self.0.iter().map(Row)
    }
}

impl Extend<Vec<Cell>> for Rows {
    fn extend<I: IntoIterator<Item = Vec<Cell>>>(&mut self, rows: I) {
        rows.into_iter().for_each(|row| self.push(row));
    }
}

impl FromIterator<Vec<Cell>> for Rows {
    fn from_iter<I: IntoIterator<Item = Vec<Cell>>>(rows: I) -> Rows {
        let mut all = Rows::default();
        all.extend(rows);
        all
    }
}

fn put(packed: &mut Vec<u8>, mark: Mark, numeric: bool, text: &str) {
    let mark = MARKS.iter().position(|m| *m == mark).unwrap_or(0) as u8;
    packed.push(mark | if numeric { NUMERIC } else { 0 });
    let mut len = text.len();
    loop {
        let low = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            packed.push(low);
            break;
        }
        packed.push(low | 0x80);
    }
    packed.extend_from_slice(text.as_bytes());
}

impl<'a> Row<'a> {
    pub fn iter(self) -> Cells<'a> {
        match self.0 {
            Held::Packed(packed) => Cells::Packed(packed),
            Held::Cells(cells) => Cells::Listed(cells.iter()),
        }
    }

    pub fn get(self, index: usize) -> Option<CellRef<'a>> {
        self.iter().nth(index)
    }
}

/// The cells of a row, in order.
#[derive(Debug, Clone)]
pub enum Cells<'a> {
    /// What is left of a packed row.
    Packed(&'a [u8]),
    Listed(std::slice::Iter<'a, Cell>),
}

impl<'a> Iterator for Cells<'a> {
    type Item = CellRef<'a>;

    fn next(&mut self) -> Option<CellRef<'a>> {
        let rest = match self {
            Cells::Listed(cells) => {
                return cells.next().map(|cell| CellRef {
                    text: &cell.text,
                    mark: cell.mark,
                    numeric: cell.numeric,
                });
            }
            Cells::Packed(rest) => rest,
        };
        let (&flags, mut after) = rest.split_first()?;
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let (&byte, next) = after.split_first()?;
            after = next;
            len |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let (text, next) = after.split_at_checked(len)?;
        *rest = next;
        Some(CellRef {
            // Packed from a `&str` by `put`: always UTF-8.
            text: std::str::from_utf8(text).unwrap_or_default(),
            mark: MARKS[usize::from(flags & !NUMERIC).min(MARKS.len() - 1)],
            numeric: flags & NUMERIC != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_come_back_as_they_went() {
        let long = "é".repeat(300);
        let longer = "a".repeat(LONG + 1);
        let cells = vec![
            Cell::plain(""),
            Cell::marked("red", Mark::Error),
            Cell::number(Some(1234u64), true),
            Cell::marked(long.clone(), Mark::Dim),
            Cell {
                numeric: true,
                ..Cell::marked("x", Mark::Incomplete)
            },
            Cell::marked("i", Mark::Injected),
        ];
        let mut kept_as_cells = cells.clone();
        kept_as_cells.push(Cell::plain(longer));
        let rows: Rows = [cells.clone(), Vec::new(), kept_as_cells.clone()]
            .into_iter()
            .collect();
        assert_eq!(rows.len(), 3);
        assert!(matches!(rows.0[0], Held::Packed(_)));
        assert!(matches!(rows.0[2], Held::Cells(_)));
        let expected = |cells: &[Cell]| -> Vec<(String, Mark, bool)> {
            (cells.iter().map(|c| (c.text.clone(), c.mark, c.numeric))).collect()
        };
        for (row, cells) in rows.iter().zip([&cells, &Vec::new(), &kept_as_cells]) {
            let back = row.iter().map(|c| (c.text.to_string(), c.mark, c.numeric));
            assert_eq!(back.collect::<Vec<_>>(), expected(cells));
        }
        assert_eq!(rows.iter().nth(1).unwrap().iter().count(), 0);
        assert_eq!(rows.first().unwrap().get(3).unwrap().text, long);
        assert!(rows.first().unwrap().get(6).is_none());
    }

    #[test]
    fn a_row_kept_as_cells_holds_no_spare_capacity() {
        // A 4 KB path and its section pushed after it: the label held 8 KB.
        let mut label = "p".repeat(4096);
        label.push_str(" [streaming]");
        assert!(label.capacity() >= 8192);
        let mut rows = Rows::default();
        rows.push(vec![Cell::plain(label)]);
        let Held::Cells(cells) = &rows.0[0] else {
            panic!("a long text is kept as its cell")
        };
        assert_eq!(cells[0].text.capacity(), cells[0].text.len());
    }
}
