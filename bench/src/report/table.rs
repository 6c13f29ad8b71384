//! A Markdown table: a header, an alignment per column, and rows.

use std::fmt::{self, Display};

/// How a column's cells line up: text to the left, figures to the right.
#[derive(Debug, Clone, Copy)]
enum Align {
    Left,
    Right,
}

pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// The first column is text, the others figures, as in almost every table here.
    pub fn new<const N: usize>(headers: [&str; N]) -> Self {
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, header)| {
                let align = if i == 0 { Align::Left } else { Align::Right };
                ((*header).to_owned(), align)
            })
            .collect();
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    pub fn row<const N: usize>(&mut self, cells: [String; N]) {
        debug_assert_eq!(N, self.columns.len(), "a cell per column");
        self.rows.push(cells.into());
    }
}

impl Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |cells: &mut dyn Iterator<Item = &str>, f: &mut fmt::Formatter<'_>| {
            writeln!(f, "| {} |", cells.collect::<Vec<_>>().join(" | "))
        };
        line(
            &mut self.columns.iter().map(|(header, _)| header.as_str()),
            f,
        )?;
        let rule: Vec<&str> = self
            .columns
            .iter()
            .map(|(_, align)| match align {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        writeln!(f, "|{}|", rule.join("|"))?;
        for row in &self.rows {
            line(&mut row.iter().map(String::as_str), f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_with_text_left_and_figures_right() {
        let mut table = Table::new(["server", "requests/s"]);
        table.row(["ours".into(), "10".into()]);
        assert_eq!(
            table.to_string(),
            "| server | requests/s |\n|---|---:|\n| ours | 10 |\n"
        );
    }
}
